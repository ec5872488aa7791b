namespace Ingest.Integrations.PowerBi;

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
}

/// <summary>What the FactEvent writer reports of itself, for health; none is registered when facts go out directly.</summary>
public interface IWriterStats
{
    WriterStats Stats();
}
