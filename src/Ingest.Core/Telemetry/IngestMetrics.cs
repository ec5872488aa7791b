using System.Diagnostics.Metrics;
using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ingest.Core.Telemetry;

/// <summary>
/// The product's metrics (meter <c>Ingest.Functions</c>), exported to Application Insights in Azure: what
/// deliveries became (facts, duplicates, gated, deferred), and what the FactEvent writer did with Power BI.
/// </summary>
public sealed class IngestMetrics
{
    public const string MeterName = "Ingest.Functions";

    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _facts;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _gated;
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _posts;
    private readonly Histogram<long> _rowsPerPost;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _poisoned;
    private readonly Counter<long> _circuitOpened;
    private readonly Counter<long> _reconcileFailed;
    private readonly Histogram<double> _flushLatency;
    private readonly Meter _meter;
    private readonly Lock _totalsGate = new();
    private PushTotals _totals = PushTotals.None;
    private int _circuitObserved;

    public IngestMetrics(IMeterFactory meters)
    {
        var meter = _meter = meters.Create(MeterName);
        _deliveries = meter.CreateCounter<long>("ingest.deliveries", "{delivery}", "Deliveries answered, by source and status (processed, deferred, ignored, refused with its reason, unavailable)");
        _facts = meter.CreateCounter<long>("ingest.facts.posted", "{fact}", "Facts that landed in FactEvent");
        _duplicates = meter.CreateCounter<long>("ingest.duplicates", "{fact}", "Facts already counted or held by another worker");
        _gated = meter.CreateCounter<long>("ingest.gated", "{fact}", "Facts of agents not on the roster, quarantined");
        _requestDuration = meter.CreateHistogram<double>("ingest.delivery.duration", "ms", "Time from a delivery's arrival to its answer");
        _posts = meter.CreateCounter<long>("powerbi.posts", "{post}", "FactEvent POSTs that landed");
        _rowsPerPost = meter.CreateHistogram<long>("powerbi.rows_per_post", "{row}", "Rows carried by each landed FactEvent POST");
        _throttled = meter.CreateCounter<long>("powerbi.throttled", "{response}", "429 answers from Power BI");
        _retries = meter.CreateCounter<long>("powerbi.retries", "{attempt}", "POST attempts repeated after a 429, 5xx or timeout");
        _flushLatency = meter.CreateHistogram<double>("powerbi.flush.latency", "ms", "Time from a FactEvent row's arrival at the writer to its batch landing");
        _poisoned = meter.CreateCounter<long>("ingest.poisoned", "{delivery}", "Captured deliveries moved to the poison queue, by source");
        _reconcileFailed = meter.CreateCounter<long>("ingest.reconcile.failed", "{run}", "Daily reconciliations that failed, by source");
        _circuitOpened = meter.CreateCounter<long>("powerbi.circuit.opened", "{open}", "Times Power BI's circuit opened, a failed half-open trial included");
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

    /// <summary>
    /// Power BI's circuit opened (again, when its half-open trial failed). Counted because the gauge, sampled once a
    /// minute, misses an open shorter than that; opens per window tell an outage from a blip (docs/operations.md, "Alerts").
    /// </summary>
    public void CircuitOpened() => _circuitOpened.Add(1);

    /// <summary>Reports <c>powerbi.circuit.open</c> (1 open, 0 closed) from the FactEvent circuit; the first caller wins.</summary>
    public void ObserveCircuit(Func<bool> isOpen)
    {
        if (Interlocked.Exchange(ref _circuitObserved, 1) == 0)
        {
            _meter.CreateObservableGauge("powerbi.circuit.open", () => isOpen() ? 1 : 0, "{circuit}", "1 while Power BI's circuit is open and deliveries are postponed");
        }
    }

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

    /// <summary>A FactEvent POST of <paramref name="rows"/> rows landed, <paramref name="flushLatency"/> after its oldest row arrived.</summary>
    public void Posted(int rows, TimeSpan flushLatency)
    {
        _posts.Add(1);
        _rowsPerPost.Record(rows);
        _flushLatency.Record(flushLatency.TotalMilliseconds);
        UpdateTotals(t => t with
        {
            Posts = t.Posts + 1, Rows = t.Rows + rows, LastFlushLatency = flushLatency, TotalFlushLatency = t.TotalFlushLatency + flushLatency,
            MaxFlushLatency = flushLatency > t.MaxFlushLatency ? flushLatency : t.MaxFlushLatency,
        });
    }

    /// <summary>A FactEvent POST is tried again; <paramref name="throttled"/> when Power BI answered 429.</summary>
    public void Retried(bool throttled)
    {
        _retries.Add(1);
        if (throttled)
        {
            _throttled.Add(1);
        }

        UpdateTotals(t => t with { Retries = t.Retries + 1, Throttled = t.Throttled + (throttled ? 1 : 0) });
    }

    /// <summary>Power BI refused these rows themselves (400/413).</summary>
    public void RowsRejected(int rows) => UpdateTotals(t => t with { RejectedRows = t.RejectedRows + rows });

    /// <summary>A FactEvent batch did not land; its deliveries stay captured.</summary>
    public void BatchFailed() => UpdateTotals(t => t with { FailedBatches = t.FailedBatches + 1 });

    /// <summary>What the FactEvent writer did with Power BI since start, for health and the benchmarks.</summary>
    public PushTotals Totals()
    {
        lock (_totalsGate)
        {
            return _totals;
        }
    }

    private void UpdateTotals(Func<PushTotals, PushTotals> change)
    {
        lock (_totalsGate)
        {
            _totals = change(_totals);
        }
    }
}

/// <summary>Running totals of the FactEvent writer's work with Power BI.</summary>
public sealed record PushTotals(long Posts, long Rows, long Throttled, long Retries, long RejectedRows, long FailedBatches,
    TimeSpan LastFlushLatency, TimeSpan MaxFlushLatency, TimeSpan TotalFlushLatency)
{
    public static readonly PushTotals None = new(0, 0, 0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan MeanFlushLatency => Posts == 0 ? TimeSpan.Zero : TotalFlushLatency / Posts;
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
