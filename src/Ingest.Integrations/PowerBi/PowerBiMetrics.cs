using System.Diagnostics.Metrics;
using Ingest.Core.Telemetry;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// What the FactEvent writer did with Power BI, on the product's meter (<see cref="IngestMetrics.MeterName"/>): the
/// <c>powerbi.*</c> instruments the alerts and the workbook query, and the running totals health reports.
/// </summary>
public sealed class PowerBiMetrics
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

    public PowerBiMetrics(IMeterFactory meters)
    {
        var meter = _meter = meters.Create(IngestMetrics.MeterName);
        _posts = meter.CreateCounter<long>("powerbi.posts", "{post}", "FactEvent POSTs that landed");
        _rowsPerPost = meter.CreateHistogram<long>("powerbi.rows_per_post", "{row}", "Rows carried by each landed FactEvent POST");
        _throttled = meter.CreateCounter<long>("powerbi.throttled", "{response}", "429 answers from Power BI");
        _retries = meter.CreateCounter<long>("powerbi.retries", "{attempt}", "POST attempts repeated after a 429, 5xx or timeout");
        _flushLatency = meter.CreateHistogram<double>("powerbi.flush.latency", "ms", "Time from a FactEvent row's arrival at the writer to its batch landing");
        _circuitOpened = meter.CreateCounter<long>("powerbi.circuit.opened", "{open}", "Times Power BI's circuit opened, a failed half-open trial included");
    }

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
