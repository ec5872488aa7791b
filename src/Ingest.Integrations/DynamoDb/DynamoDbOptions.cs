using Ingest.Core.Configuration;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Where state that must outlive a worker lives (section <c>DynamoDb</c>).</summary>
public sealed class DynamoDbOptions
{
    public const string Section = "DynamoDb";

    /// <summary>Use DynamoDB for the ledger and every stored record; false keeps the embedded in-memory stores.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Lets the Functions app start on in-memory state that dies with the process (the ledger and records without
    /// DynamoDB, or <c>Capture__Backend=InMemory</c>): for a test host only. The local host needs no such leave.
    /// </summary>
    public bool AllowInMemory { get; set; }

    /// <summary>The AWS region, such as us-east-1. Credentials come from the default chain.</summary>
    public string Region { get; set; } = string.Empty;

    /// <summary>A service URL for DynamoDB Local; empty in production.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The single table that holds every record (see <see cref="StateTable"/>).</summary>
    public string TableName { get; set; } = "IngestState";

    /// <summary>Create the table at start-up when missing: local and tests only, never production.</summary>
    public bool CreateTable { get; set; }

    /// <summary>How long the roster is served from memory before it is read again.</summary>
    public TimeSpan RosterCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long gated facts wait in quarantine for their agent to join the roster.</summary>
    public TimeSpan QuarantineRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Per-request timeout; a slow DynamoDB must turn into a deferred delivery, not a hung one.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>SDK retries of throttled or failed calls before the fault reaches the pipeline.</summary>
    public int MaxErrorRetry { get; set; } = 2;
}

internal sealed class DynamoDbRules : SettingsRules<DynamoDbOptions>
{
    protected override IEnumerable<string> Broken(DynamoDbOptions o)
    {
        if (o.Enabled && string.IsNullOrWhiteSpace(o.Region))
        {
            yield return "DynamoDb__Region must name the AWS region (e.g. us-east-1).";
        }

        if (o.Enabled && !string.IsNullOrWhiteSpace(o.ServiceUrl) && !Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out _))
        {
            yield return "DynamoDb__ServiceUrl must be an absolute URL when set.";
        }

        if (string.IsNullOrWhiteSpace(o.TableName))
        {
            yield return "DynamoDb__TableName must not be empty.";
        }

        if (o.RequestTimeout <= TimeSpan.Zero || o.MaxErrorRetry < 0)
        {
            yield return "DynamoDb__RequestTimeout must be positive and DynamoDb__MaxErrorRetry not negative.";
        }
    }
}
