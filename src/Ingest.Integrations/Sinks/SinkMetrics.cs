using System.Diagnostics.Metrics;
using Ingest.Core.Telemetry;

namespace Ingest.Integrations.Sinks;

/// <summary>
/// What a sink's FactEvent writer did, on the product's meter (<see cref="IngestMetrics.MeterName"/>): the
/// <c>{prefix}.*</c> instruments the alerts and the workbook query (<c>powerbi.*</c>, <c>eventhouse.*</c>), and the
/// running totals health reports.
/// </summary>
public abstract class SinkMetrics
{
    private readonly Meter _meter;
    private readonly Counter<long> _posts;
    private readonly Histogram<long> _rowsPerPost;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _circuitOpened;
    private readonly Histogram<double> _flushLatency;
    private readonly Lock _totalsGate = new();
    private PushTotals _totals = PushTotals.None;
    private int _circuitObserved;

    private readonly string _prefix;
    private readonly string _sink;

    protected SinkMetrics(IMeterFactory meters, string prefix, string sink)
    {
        (_prefix, _sink) = (prefix, sink);
        var meter = _meter = meters.Create(IngestMetrics.MeterName);
        _posts = meter.CreateCounter<long>($"{prefix}.posts", "{post}", $"FactEvent requests to {sink} that landed");
        _rowsPerPost = meter.CreateHistogram<long>($"{prefix}.rows_per_post", "{row}", "Rows carried by each landed FactEvent request");
        _throttled = meter.CreateCounter<long>($"{prefix}.throttled", "{response}", $"429 answers from {sink}");
        _retries = meter.CreateCounter<long>($"{prefix}.retries", "{attempt}", "Request attempts repeated after a 429, 5xx or timeout");
        _flushLatency = meter.CreateHistogram<double>($"{prefix}.flush.latency", "ms", "Time from a FactEvent row's arrival at the writer to its batch landing");
        _circuitOpened = meter.CreateCounter<long>($"{prefix}.circuit.opened", "{open}", $"Times {sink}'s circuit opened, a failed half-open trial included");
    }

    /// <summary>
    /// Power BI's circuit opened (again, when its half-open trial failed). Counted because the gauge, sampled once a
    /// minute, misses an open shorter than that; opens per window tell an outage from a blip (docs/operations.md, "Alerts").
    /// </summary>
    public void CircuitOpened() => _circuitOpened.Add(1);

    /// <summary>Reports <c>{prefix}.circuit.open</c> (1 open, 0 closed) from the FactEvent circuit; the first caller wins.</summary>
    public void ObserveCircuit(Func<bool> isOpen)
    {
        if (Interlocked.Exchange(ref _circuitObserved, 1) == 0)
        {
            _meter.CreateObservableGauge($"{_prefix}.circuit.open", () => isOpen() ? 1 : 0, "{circuit}", $"1 while {_sink}'s circuit is open and deliveries are postponed");
        }
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

    /// <summary>The sink refused these rows themselves (Power BI's 400/413).</summary>
    public void RowsRejected(int rows) => UpdateTotals(t => t with { RejectedRows = t.RejectedRows + rows });

    /// <summary>A FactEvent batch did not land; its deliveries stay captured.</summary>
    public void BatchFailed() => UpdateTotals(t => t with { FailedBatches = t.FailedBatches + 1 });

    /// <summary>What the FactEvent writer did since start, for health and the benchmarks.</summary>
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

/// <summary>Running totals of a FactEvent writer's work.</summary>
public sealed record PushTotals(long Posts, long Rows, long Throttled, long Retries, long RejectedRows, long FailedBatches,
    TimeSpan LastFlushLatency, TimeSpan MaxFlushLatency, TimeSpan TotalFlushLatency)
{
    public static readonly PushTotals None = new(0, 0, 0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan MeanFlushLatency => Posts == 0 ? TimeSpan.Zero : TotalFlushLatency / Posts;
}
