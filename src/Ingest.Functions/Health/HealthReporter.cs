using Ingest.Integrations;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ingest.Functions.Health;

/// <summary>One dependency's answer: reachable or not, how fast, and only the kind of failure (never its message, which may carry a URL).</summary>
public sealed record DependencyHealth(string Name, bool Reachable, bool Optional, double LatencyMs, string? Error);

public sealed record HealthReport(string Status, DateTimeOffset CheckedAt, IReadOnlyList<DependencyHealth> Dependencies, WriterStats? Writer)
{
    /// <summary>Without the capture store nothing can be accepted; anything else only delays facts.</summary>
    public bool CanAccept => Status != "unavailable";
}

/// <summary>
/// Runs the dependencies' health checks (in parallel, each within <see cref="DependencyChecks.Timeout"/>) and keeps
/// the report for <see cref="CacheFor"/>, so a monitor polling health cannot load DynamoDB, storage or Power BI.
/// </summary>
public sealed class HealthReporter(HealthCheckService checks, IEnumerable<IWriterStats> writers, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private HealthReport? _last;

    public async Task<HealthReport> ReportAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } refreshed)
            {
                return refreshed;
            }

            var report = await checks.CheckHealthAsync(cancellationToken);
            var dependencies = report.Entries.Select(e => Dependency(e.Key, e.Value)).ToArray();
            var writer = writers.FirstOrDefault()?.Stats();
            var status = report.Status == HealthStatus.Unhealthy ? "unavailable"
                : report.Status == HealthStatus.Degraded || writer is { CircuitOpen: true } ? "degraded"
                : "ok";
            return _last = new HealthReport(status, clock.GetUtcNow(), dependencies, writer);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private HealthReport? Fresh() => _last is { } last && clock.GetUtcNow() - last.CheckedAt < CacheFor ? last : null;

    private static DependencyHealth Dependency(string name, HealthReportEntry entry)
    {
        var error = entry.Status == HealthStatus.Healthy ? null
            : entry.Exception is OperationCanceledException ? "timeout"
            : entry.Description ?? entry.Status.ToString();
        return new DependencyHealth(name, error is null, entry.Tags.Contains(DependencyChecks.OptionalTag), Math.Round(entry.Duration.TotalMilliseconds, 1), error);
    }
}
