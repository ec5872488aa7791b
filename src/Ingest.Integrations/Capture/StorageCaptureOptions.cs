using Ingest.Core.Configuration;

namespace Ingest.Integrations.Capture;

/// <summary>Where captures go in Azure Storage (section <c>Capture</c>, connection from <c>AzureWebJobsStorage</c> by default).</summary>
public sealed class StorageCaptureOptions
{
    public const string StorageQueue = "StorageQueue";
    public const string InMemory = "InMemory";

    /// <summary><see cref="StorageQueue"/> (the Functions app) or <see cref="InMemory"/> (the local host's default).</summary>
    public string Backend { get; set; } = StorageQueue;

    /// <summary>A storage connection string; <c>UseDevelopmentStorage=true</c> for Azurite on its default ports.</summary>
    [FallbackSetting("AzureWebJobsStorage")]
    public string Connection { get; set; } = string.Empty;

    /// <summary>Without a connection string: the account reached with the app's managed identity (identity-based <c>AzureWebJobsStorage</c>).</summary>
    [FallbackSetting("AzureWebJobsStorage__accountName")]
    public string AccountName { get; set; } = string.Empty;

    /// <summary>The queue the webhook captures to and the queue trigger reads; fixed, because the trigger's attribute names it.</summary>
    public const string QueueName = "ingest-capture";

    /// <summary>Where the Functions host moves a message after maxDequeueCount attempts.</summary>
    public const string PoisonQueueName = QueueName + "-poison";

    /// <summary>The claim-check container for bodies too large for a queue message.</summary>
    public string BlobContainer { get; set; } = "ingest-captures";

    /// <summary>How long the storage account keeps a claim-check body (the Bicep's lifecycle rule): a body missing past this expired unsettled.</summary>
    public TimeSpan ClaimCheckRetention { get; set; } = TimeSpan.FromDays(90);
}

internal sealed class StorageCaptureRules : SettingsRules<StorageCaptureOptions>
{
    protected override IEnumerable<string> Broken(StorageCaptureOptions o)
    {
        if (o.Backend is not (StorageCaptureOptions.InMemory or StorageCaptureOptions.StorageQueue))
        {
            yield return "Capture__Backend must be InMemory or StorageQueue.";
        }

        if (o.Backend == StorageCaptureOptions.StorageQueue && string.IsNullOrWhiteSpace(o.Connection) && string.IsNullOrWhiteSpace(o.AccountName))
        {
            yield return "AzureWebJobsStorage (or Capture__Connection) must be a storage connection string, or AzureWebJobsStorage__accountName the account reached with the managed identity.";
        }
    }
}
