using Ingest.Core.Configuration;

namespace Ingest.Integrations.Eventhouse;

/// <summary>The Fabric Eventhouse (or Azure Data Explorer) KQL database facts go to when <c>Sink__Kind=Eventhouse</c> (section <c>Eventhouse</c>).</summary>
public sealed class EventhouseOptions
{
    public const string Section = "Eventhouse";

    /// <summary>Where the SDKs ask for a token by default; Fabric's own audience is not documented, hence a setting.</summary>
    public const string DefaultScope = "https://kusto.kusto.windows.net/.default";

    /// <summary>The Eventhouse's query URI (https://&lt;id&gt;.&lt;region&gt;.kusto.fabric.microsoft.com): streaming ingestion and control commands both go there.</summary>
    public string QueryUri { get; set; } = string.Empty;

    /// <summary>The KQL database.</summary>
    public string Database { get; set; } = string.Empty;

    /// <summary>Entra (the app's own identity, a token for <see cref="Scope"/>) or None (the emulator only).</summary>
    public string Authentication { get; set; } = "Entra";

    public string Scope { get; set; } = DefaultScope;

    /// <summary>Apply infra/fabric's tables, mappings, policies, view and functions at start (idempotent; never the roles).</summary>
    public bool Bootstrap { get; set; }

    public EventhouseWriterOptions Writer { get; set; } = new();
}

/// <summary>The FactEvent writer for the Eventhouse (section <c>Eventhouse:Writer</c>): coalescing and bounded concurrency, no pacing.</summary>
public sealed class EventhouseWriterOptions
{
    /// <summary>How long the writer waits for more rows after the first one arrives before it ingests.</summary>
    public TimeSpan FlushWindow { get; set; } = TimeSpan.FromMilliseconds(250);

    public int MaxRowsPerRequest { get; set; } = 10_000;

    /// <summary>A request's data stays below this, under the service's 4 MB for one streaming ingestion.</summary>
    public int MaxBytesPerRequest { get; set; } = 4_000_000;

    /// <summary>Ingest requests in flight at once.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;

    /// <summary>Rows waiting beyond this are refused at once (the pipeline defers): no unbounded queue.</summary>
    public int MaxQueuedRows { get; set; } = 50_000;

    /// <summary>Attempts per request for 429, 5xx and non-permanent errors, before the rows' deliveries are redriven.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The longest Retry-After honoured in place; a longer one fails the batch to the redrive.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed requests (each after its retries) with none landing in two minutes that open the circuit, and for how long.</summary>
    public int BreakerFailures { get; set; } = 5;

    public TimeSpan BreakerOpenFor { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Registered when the local host serves the Eventhouse from its in-process emulator.</summary>
public sealed record EventhouseServedInProcess;

internal sealed class EventhouseRules(IEnumerable<EventhouseServedInProcess> inProcess) : SettingsRules<EventhouseOptions>
{
    protected override IEnumerable<string> Broken(EventhouseOptions o)
    {
        var embedded = inProcess.Any();
        if (!embedded && !Uri.TryCreate(o.QueryUri, UriKind.Absolute, out _))
        {
            yield return "Eventhouse__QueryUri must be the Eventhouse's query URI (an absolute URL) when Sink__Kind=Eventhouse.";
        }

        if (string.IsNullOrWhiteSpace(o.Database))
        {
            yield return "Eventhouse__Database must name the KQL database.";
        }

        if (o.Authentication is not ("Entra" or "None"))
        {
            yield return "Eventhouse__Authentication must be Entra or None (None only against the emulator).";
        }

        if (o.Authentication == "None" && !embedded && !(Uri.TryCreate(o.QueryUri, UriKind.Absolute, out var uri) && IsLoopback(uri)))
        {
            yield return "Eventhouse__Authentication=None sends no token, so it is refused unless Eventhouse__QueryUri is a loopback address (the emulator) or the emulator is embedded.";
        }

        if (!Uri.TryCreate(o.Scope.Replace("/.default", string.Empty, StringComparison.Ordinal), UriKind.Absolute, out _))
        {
            yield return "Eventhouse__Scope must be a token scope such as https://kusto.kusto.windows.net/.default.";
        }

        var w = o.Writer;
        if (w.FlushWindow < TimeSpan.Zero || w.MaxRowsPerRequest < 1 || w.MaxBytesPerRequest is < 1024 or > 4_000_000 || w.MaxConcurrentRequests < 1
            || w.MaxQueuedRows < w.MaxRowsPerRequest || w.MaxAttempts < 1 || w.BreakerFailures < 2 || w.BreakerOpenFor < TimeSpan.FromSeconds(1))
        {
            yield return "Eventhouse__Writer__* limits must be positive, MaxBytesPerRequest at most 4000000 (the service's 4 MB), MaxQueuedRows at least MaxRowsPerRequest, BreakerFailures at least 2 and BreakerOpenFor at least 00:00:01.";
        }
    }

    private static bool IsLoopback(Uri uri)
        => uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
