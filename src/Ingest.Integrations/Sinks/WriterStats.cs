
namespace Ingest.Integrations.Sinks;

/// <summary>The writer's counters since start, for logs, health and the benchmarks.</summary>
public sealed record WriterStats(
    long Posts,
    long Rows,
    long Throttled,
    long Retries,
    long RejectedRows,
    long FailedBatches,
    int QueuedRows,
    bool CircuitOpen,
    TimeSpan LastFlushLatency,
    TimeSpan MaxFlushLatency,
    TimeSpan MeanFlushLatency)
{
    public double RowsPerPost => Posts == 0 ? 0 : (double)Rows / Posts;

    /// <summary>The totals <see cref="SinkMetrics"/> keeps, with what only the writer knows.</summary>
    public static WriterStats From(PushTotals totals, int queuedRows, bool circuitOpen) => new(
        totals.Posts, totals.Rows, totals.Throttled, totals.Retries, totals.RejectedRows, totals.FailedBatches, queuedRows, circuitOpen,
        totals.LastFlushLatency, totals.MaxFlushLatency, totals.MeanFlushLatency);
}

/// <summary>What the FactEvent writer reports of itself, for health; none is registered when facts go out directly.</summary>
public interface IWriterStats
{
    WriterStats Stats();
}
