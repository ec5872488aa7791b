using System.Diagnostics.Metrics;
using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ingest.Core.Telemetry;

/// <summary>
/// The product's metrics (meter <c>Ingest.Functions</c>), exported to Application Insights in Azure: what
/// deliveries became (facts, duplicates, gated, deferred, poisoned). The sink adds its own on the same meter.
/// </summary>
public sealed class IngestMetrics
{
    public const string MeterName = "Ingest.Functions";

    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _facts;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _gated;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _poisoned;
    private readonly Counter<long> _reconcileFailed;

    public IngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _deliveries = meter.CreateCounter<long>("ingest.deliveries", "{delivery}", "Deliveries answered, by source and status (processed, deferred, ignored, refused with its reason, unavailable)");
        _facts = meter.CreateCounter<long>("ingest.facts.posted", "{fact}", "Facts that landed in FactEvent");
        _duplicates = meter.CreateCounter<long>("ingest.duplicates", "{fact}", "Facts already counted or held by another worker");
        _gated = meter.CreateCounter<long>("ingest.gated", "{fact}", "Facts of agents not on the roster, quarantined");
        _requestDuration = meter.CreateHistogram<double>("ingest.delivery.duration", "ms", "Time from a delivery's arrival to its answer");
        _poisoned = meter.CreateCounter<long>("ingest.poisoned", "{delivery}", "Captured deliveries moved to the poison queue, by source");
        _reconcileFailed = meter.CreateCounter<long>("ingest.reconcile.failed", "{run}", "Daily reconciliations that failed, by source");
    }

    /// <summary>A webhook request answered: its status (processed, deferred, ignored) and how long it took.</summary>
    public void Delivery(string source, IngestStatus status, TimeSpan duration)
    {
        var sourceTag = new KeyValuePair<string, object?>("source", source);
        _deliveries.Add(1, sourceTag, new("status", status.ToString().ToLowerInvariant()));
        _requestDuration.Record(duration.TotalMilliseconds, sourceTag);
    }

    /// <summary>A delivery refused 401 (its reason: wrong_credential, bad_signature, ...): a token out of step with the sender.</summary>
    public void Refused(string source, string reason)
        => _deliveries.Add(1, new("source", source), new("status", "refused"), new("reason", reason));

    /// <summary>A delivery answered 503 because the capture store could not keep it.</summary>
    public void CaptureUnavailable(string source)
        => _deliveries.Add(1, new("source", source), new("status", "unavailable"));

    /// <summary>A captured delivery moved to the poison queue; <paramref name="source"/> is "unknown" when it cannot be read.</summary>
    public void Poisoned(string source) => _poisoned.Add(1, new KeyValuePair<string, object?>("source", source));

    /// <summary>A daily reconciliation of <paramref name="source"/> failed: the day it covers may lack facts until it is run again.</summary>
    public void ReconcileFailed(string source) => _reconcileFailed.Add(1, new KeyValuePair<string, object?>("source", source));

    /// <summary>What one pass of the pipeline counted, whether from a webhook request, a redrive or a replay.</summary>
    /// <param name="landed">The facts that landed, counted per metric.</param>
    /// <param name="gated">The facts quarantined, counted per agent, so ops see whom the roster lacks.</param>
    public void Counted(IngestOutcome outcome, IReadOnlyList<FactEventRow> landed, IReadOnlyList<FactEventRow> gated)
    {
        foreach (var metric in landed.GroupBy(f => f.MetricID))
        {
            _facts.Add(metric.Count(), new KeyValuePair<string, object?>("metric", metric.Key.ToString()));
        }

        foreach (var agent in gated.GroupBy(f => f.AgentID))
        {
            _gated.Add(agent.Count(), new KeyValuePair<string, object?>("agent", agent.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        _duplicates.Add(outcome.Duplicates);
    }

}

public static class IngestMetricsRegistration
{
    /// <summary>The meter factory and <see cref="IngestMetrics"/>, once, for whichever composition asks first.</summary>
    public static IServiceCollection AddIngestMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<IngestMetrics>();
        return services;
    }
}
