using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Eventhouse;

/// <summary>
/// Group commit for FactEvent into the Eventhouse: rows from concurrent requests go out together, one streaming
/// ingestion per flush (a full batch, or the flush window after its first row), at most
/// <see cref="EventhouseWriterOptions.MaxConcurrentRequests"/> in flight, no pacing beyond that. Each caller awaits
/// the request holding its rows, so the ledger completes only what landed. A row the crash window repeats is
/// ingested twice and counted once by <c>FactEventUnique</c>.
/// </summary>
public sealed class EventhouseFactWriter(
    EventhouseClient client, EventhouseCircuit circuit, EventhouseMetrics metrics, IOptions<EventhouseOptions> options, TimeProvider clock,
    ILogger<EventhouseFactWriter> logger, IOptions<LedgerOptions>? ledger = null)
    : CoalescingWriter(Limits(options.Value.Writer), options.Value.Writer.MaxConcurrentRequests, (ledger?.Value ?? new LedgerOptions()).LeaseDuration / 3, circuit, metrics, clock, logger)
{
    private static BatchLimits Limits(EventhouseWriterOptions writer)
        => new(writer.MaxQueuedRows, writer.MaxRowsPerRequest, writer.MaxBytesPerRequest, writer.FlushWindow);

    /// <summary>No pacing: a batch needs only its place among the requests in flight.</summary>
    private protected override Task<Func<FactSubmission[], Task>> ReserveSendAsync(CancellationToken stopping)
        => Task.FromResult<Func<FactSubmission[], Task>>(SendAsync);

    protected override Exception Unavailable(string message, Exception? inner = null) => new EventhouseUnavailableException(message, inner);

    protected override Exception BatchNotTaken(Exception fault) => Unavailable("The writer could not take a batch: " + fault.Message, fault);

    private async Task SendAsync(FactSubmission[] batch)
    {
        var rows = batch.Sum(s => s.Rows.Length);
        var oldest = batch.Min(s => s.EnqueuedAt);
        var started = Clock.GetUtcNow();
        try
        {
            await client.IngestAsync(TableNames.FactEvent, Body(batch), Stopping, sendBy: oldest + MaxWait);
            Circuit.Landed();
            Metrics.Posted(rows, Clock.GetUtcNow() - oldest);
            Complete(batch, null);
        }
        catch (EventhouseException refused) when (!refused.IsTransient)
        {
            // The service answered: no outage, but retrying cannot help until someone fixes the cause (a missing
            // table or mapping, a disabled policy, revoked access). The deliveries stay captured and end in the poison queue.
            Circuit.Landed();
            Metrics.BatchFailed();
            Logger.LogError("The Eventhouse refused {Rows} FactEvent row(s) for good: {Status} {Code}", rows, (int)refused.Status, refused.Code);
            Complete(batch, refused);
        }
        catch (Exception e)
        {
            if (!Stopping.IsCancellationRequested && e is not EventhouseUnavailableException)
            {
                Circuit.Failed(started); // not for rows that waited past their send-by: that is no fault of the Eventhouse
            }

            Metrics.BatchFailed();
            Logger.LogWarning(e, "A batch of {Rows} FactEvent row(s) did not reach the Eventhouse; its deliveries stay captured for the redrive", rows);
            Complete(batch, e is EventhouseException { IsTransient: false } ? e : new EventhouseUnavailableException("The Eventhouse did not accept the rows: " + e.Message, e));
        }
    }

    private static void Complete(FactSubmission[] batch, Exception? failure)
    {
        foreach (var submission in batch)
        {
            if (failure is null)
            {
                submission.Done.TrySetResult();
            }
            else
            {
                submission.Done.TrySetException(failure);
            }
        }
    }

    /// <summary>MultiJSON: one JSON object a line.</summary>
    private static ReadOnlyMemory<byte> Body(FactSubmission[] batch)
    {
        using var buffer = new MemoryStream();
        foreach (var row in batch.SelectMany(s => s.Rows))
        {
            buffer.Write(row);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
