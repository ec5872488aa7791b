using System.Diagnostics;
using Ingest.Core.Telemetry;
using Ingest.Integrations.PowerBi;

namespace Ingest.Functions.Health;

/// <summary>One dependency's answer: reachable or not, how fast, and only the kind of failure (never its message, which may carry a URL).</summary>
public sealed record DependencyHealth(string Name, bool Reachable, bool Optional, double LatencyMs, string? Error);

public sealed record HealthReport(string Status, DateTimeOffset CheckedAt, IReadOnlyList<DependencyHealth> Dependencies, WriterStats? Writer)
{
    /// <summary>Without the capture store nothing can be accepted; anything else only delays facts.</summary>
    public bool CanAccept => Status != "unavailable";
}

/// <summary>
/// Probes every dependency in parallel (each within <see cref="ProbeTimeout"/>) and keeps the report for
/// <see cref="CacheFor"/>, so a monitor polling health cannot load DynamoDB, storage or Power BI.
/// </summary>
public sealed class HealthReporter(IEnumerable<IDependencyProbe> probes, IEnumerable<IWriterStats> writers, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

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

            var dependencies = await Task.WhenAll(probes.Select(ProbeAsync));
            var writer = writers.FirstOrDefault()?.Stats();
            var status = dependencies.Any(d => !d.Reachable && !d.Optional) ? "unavailable"
                : dependencies.Any(d => !d.Reachable) || writer is { CircuitOpen: true } ? "degraded"
                : "ok";
            return _last = new HealthReport(status, clock.GetUtcNow(), dependencies, writer);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private HealthReport? Fresh() => _last is { } last && clock.GetUtcNow() - last.CheckedAt < CacheFor ? last : null;

    private static async Task<DependencyHealth> ProbeAsync(IDependencyProbe probe)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        string? error = null;
        try
        {
            await probe.ProbeAsync(timeout.Token);
        }
        catch (Exception e)
        {
            error = timeout.IsCancellationRequested ? "timeout" : e.GetType().Name;
        }

        return new DependencyHealth(probe.Name, error is null, probe.Optional, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1), error);
    }
}
