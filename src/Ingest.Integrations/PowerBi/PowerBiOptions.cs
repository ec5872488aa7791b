using Ingest.Core.Configuration;

namespace Ingest.Integrations.PowerBi;

/// <summary>Where the push dataset lives and how to reach it (section <c>PowerBi</c>).</summary>
public sealed class PowerBiOptions
{
    public const string Section = "PowerBi";
    public const string Scope = "https://analysis.windows.net/powerbi/api/.default";

    /// <summary>The REST API's base address; the emulator's in tests and on the local host.</summary>
    public string BaseUrl { get; set; } = "https://api.powerbi.com/";

    /// <summary>The workspace (group) id: service principals must use the workspace form of every endpoint.</summary>
    public string WorkspaceId { get; set; } = string.Empty;

    public string DatasetName { get; set; } = "Ingest";

    /// <summary>None (keeps up to 5M rows per table) or basicFIFO (keeps the newest 200k).</summary>
    public string RetentionPolicy { get; set; } = "None";

    /// <summary>Entra (a bearer token for <see cref="Scope"/>) or None (the emulator only).</summary>
    public string Authentication { get; set; } = "Entra";

    /// <summary>With <see cref="ClientId"/> and <see cref="ClientSecret"/>: a service principal; otherwise DefaultAzureCredential (managed identity).</summary>
    public string? TenantId { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public PowerBiWriterOptions Writer { get; set; } = new();
}

/// <summary>The FactEvent writer (section <c>PowerBi:Writer</c>). Defaults are Power BI's documented limits per dataset.</summary>
public sealed class PowerBiWriterOptions
{
    /// <summary>How long the writer waits for more rows after the first one arrives before it posts.</summary>
    public TimeSpan FlushWindow { get; set; } = TimeSpan.FromMilliseconds(250);

    public int MaxRowsPerPost { get; set; } = 10_000;

    /// <summary>Serialized rows per POST stay below this, well under the ~16 MB request limit.</summary>
    public int MaxBytesPerPost { get; set; } = 8 * 1024 * 1024;

    public int MaxPendingPosts { get; set; } = 5;
    public int MaxPostsPerMinute { get; set; } = 120;
    public long MaxRowsPerHour { get; set; } = 1_000_000;

    /// <summary>Once this app has put this many rows into FactEvent since it last cleared it, the hourly POST limit applies.</summary>
    public long LargeTableRows { get; set; } = 250_000;

    public int MaxPostsPerHourWhenLarge { get; set; } = 120;

    /// <summary>Rows waiting for a POST beyond this are refused at once (the pipeline defers): no unbounded queue.</summary>
    public int MaxQueuedRows { get; set; } = 50_000;

    /// <summary>Attempts per POST for 429, 5xx and timeouts before the rows' callers are failed (and their deliveries redriven).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The longest Retry-After the writer honours in place; a longer one fails the batch to the redrive.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Failed POSTs (each after its retries) with none landing in two minutes that open the circuit, and how long it stays open.</summary>
    public int BreakerFailures { get; set; } = 5;

    public TimeSpan BreakerOpenFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Take every POST from a budget shared by all instances (DynamoDB), not only this one's.</summary>
    public bool SharedBudget { get; set; }
}

internal sealed class PowerBiRules(IEnumerable<PowerBiServedInProcess> inProcess) : SettingsRules<PowerBiOptions>
{
    protected override IEnumerable<string> Broken(PowerBiOptions o)
    {
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var baseUrl))
        {
            yield return "PowerBi__BaseUrl must be an absolute URL.";
        }

        if (string.IsNullOrWhiteSpace(o.WorkspaceId))
        {
            yield return "PowerBi__WorkspaceId must name the workspace (group) id.";
        }

        if (string.IsNullOrWhiteSpace(o.DatasetName))
        {
            yield return "PowerBi__DatasetName must not be empty.";
        }

        if (o.RetentionPolicy is not ("None" or "basicFIFO"))
        {
            yield return "PowerBi__RetentionPolicy must be None or basicFIFO.";
        }

        if (o.Authentication is not ("Entra" or "None"))
        {
            yield return "PowerBi__Authentication must be Entra or None (None only against the emulator).";
        }

        if (o.Authentication == "None" && !inProcess.Any() && !IsLoopback(baseUrl))
        {
            yield return "PowerBi__Authentication=None sends no token, so it is refused unless PowerBi__BaseUrl is a loopback address (the emulator) or the emulator is embedded.";
        }

        if (!string.IsNullOrEmpty(o.ClientSecret) && (string.IsNullOrEmpty(o.TenantId) || string.IsNullOrEmpty(o.ClientId)))
        {
            yield return "PowerBi__ClientSecret needs PowerBi__TenantId and PowerBi__ClientId.";
        }

        foreach (var broken in Writer(o.Writer))
        {
            yield return broken;
        }
    }

    private static IEnumerable<string> Writer(PowerBiWriterOptions w)
    {
        if (w.MaxRowsPerPost is < 1 or > 10_000)
        {
            yield return "PowerBi__Writer__MaxRowsPerPost must be between 1 and 10000.";
        }

        if (w.FlushWindow < TimeSpan.Zero || w.MaxPendingPosts < 1 || w.MaxPostsPerMinute < 1 || w.MaxPostsPerHourWhenLarge < 1 || w.MaxAttempts < 1
            || w.MaxRowsPerHour < w.MaxRowsPerPost || w.MaxQueuedRows < w.MaxRowsPerPost || w.BreakerFailures < 2 || w.BreakerOpenFor < TimeSpan.FromSeconds(1))
        {
            yield return "PowerBi__Writer__* limits must be positive, with MaxRowsPerHour and MaxQueuedRows at least MaxRowsPerPost, BreakerFailures at least 2 and BreakerOpenFor at least 00:00:01.";
        }
    }

    private static bool IsLoopback(Uri? uri)
        => uri is not null && (uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip)));
}
