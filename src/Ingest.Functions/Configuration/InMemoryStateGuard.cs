using Ingest.Core.Capture;
using Ingest.Core.Configuration;
using Ingest.Integrations.Capture;
using Ingest.Integrations.DynamoDb;
using Microsoft.Extensions.Configuration;

namespace Ingest.Functions.Configuration;

/// <summary>
/// The Functions app keeps what it accepted outside its process: in-memory state would lose the ledger, the records
/// and the captured deliveries on every restart, and differ per instance. It starts on it only when told it is a test.
/// </summary>
public static class InMemoryStateGuard
{
    /// <summary>Why the Functions app must not start on this configuration, or null.</summary>
    public static string? Refusal(IConfiguration configuration)
    {
        var dynamo = SettingsBinding.Read<DynamoDbOptions>(configuration, DynamoDbOptions.Section);
        if (dynamo.AllowInMemory)
        {
            return null;
        }

        if (!dynamo.Enabled)
        {
            return "The Functions app keeps its ledger and records in DynamoDB: set DynamoDb__Enabled=true with DynamoDb__Region and DynamoDb__TableName, "
                + "or DynamoDb__AllowInMemory=true for a test host whose state may vanish with the process.";
        }

        return SettingsBinding.Read<StorageCaptureOptions>(configuration, CaptureOptions.Section).Backend == StorageCaptureOptions.InMemory
            ? "The Functions app captures deliveries in Azure Storage: Capture__Backend=InMemory would lose accepted deliveries with the process. "
                + "Remove it, or set DynamoDb__AllowInMemory=true for a test host."
            : null;
    }
}
