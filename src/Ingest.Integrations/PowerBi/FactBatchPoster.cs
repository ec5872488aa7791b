using System.Net;
using Ingest.Core.Storage;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Logging;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Sends one FactEvent batch and tells each of its callers how it went. Throttling, retries and the breaker belong
/// to <see cref="PushPolicy"/>; what is left here is the rows' own fault: a batch Power BI
/// refuses (400/413) is halved until the callers whose rows it refuses are alone, and the rest land.
/// </summary>
internal sealed class FactBatchPoster(
    PowerBiRestClient client, DatasetBootstrap dataset, PushLimiter limiter, PowerBiMetrics metrics, TimeProvider clock, ILogger logger, TimeSpan maxWait)
{
    /// <param name="turn">The first POST's turn, which the writer took before taking the batch.</param>
    public async Task SendAsync(FactSubmission[] batch, PushTurn turn, CancellationToken stopping)
    {
        if (await TryPostAsync(batch, turn, stopping) is not { } refused)
        {
            return;
        }

        try
        {
            await IsolateAsync(batch, refused, stopping);
        }
        catch (Exception e)
        {
            // Isolating needs more POSTs; any fault on the way reaches every caller not yet answered.
            Failed(batch, e);
        }
    }

    /// <summary>
    /// Halves a refused batch until the callers whose rows Power BI refuses are alone; the rest land. When both
    /// halves are refused for the same reason, every caller is refused at once: halving on costs 2k − 1 POSTs when
    /// all rows are bad, and a refused caller's delivery stays captured for the redrive, which batches it afresh.
    /// </summary>
    private async Task IsolateAsync(FactSubmission[] batch, PowerBiException rejected, CancellationToken stopping)
    {
        if (batch.Length == 1)
        {
            Reject(batch, rejected);
            return;
        }

        var (first, second) = (batch[..(batch.Length / 2)], batch[(batch.Length / 2)..]);
        var firstRefused = await TryPostAsync(first, turn: null, stopping);
        var secondRefused = await TryPostAsync(second, turn: null, stopping);
        if (firstRefused is not null && secondRefused is not null && secondRefused.ErrorCode == firstRefused.ErrorCode && secondRefused.Status == firstRefused.Status)
        {
            Reject(first, firstRefused);
            Reject(second, secondRefused);
            return;
        }

        if (firstRefused is not null)
        {
            await IsolateAsync(first, firstRefused, stopping);
        }

        if (secondRefused is not null)
        {
            await IsolateAsync(second, secondRefused, stopping);
        }
    }

    /// <returns>Power BI's refusal of these rows (400/413), or null when they landed or failed otherwise (their callers are told).</returns>
    private async Task<PowerBiException?> TryPostAsync(FactSubmission[] batch, PushTurn? turn, CancellationToken stopping)
    {
        var rows = batch.Sum(s => s.Rows.Length);
        try
        {
            var datasetId = await dataset.GetDatasetIdAsync(stopping);
            var oldest = batch.Min(s => s.EnqueuedAt);
            await client.PostFactRowsAsync(datasetId, Body(batch), rows, sendBy: oldest + maxWait, turn, stopping);
            metrics.Posted(rows, clock.GetUtcNow() - oldest);
            foreach (var submission in batch)
            {
                submission.Done.TrySetResult();
            }

            await CountLandedAsync(rows, stopping);
            return null;
        }
        catch (PowerBiException refused) when (refused.Status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
        {
            return refused;
        }
        catch (Exception e)
        {
            Failed(batch, e);
            return null;
        }
    }

    /// <summary>The rows landed and their callers are told; a failure to count them only delays the hourly regime.</summary>
    private async Task CountLandedAsync(int rows, CancellationToken stopping)
    {
        try
        {
            await limiter.FactRowsLandedAsync(rows, stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not count {Rows} landed FactEvent row(s) toward the 250k-row regime", rows);
        }
    }

    private void Reject(FactSubmission[] callers, PowerBiException rejected)
    {
        var rows = callers.Sum(s => s.Rows.Length);
        metrics.RowsRejected(rows);
        logger.LogError("Power BI refused {Rows} FactEvent row(s) from {Callers} caller(s): {Code} {Detail}", rows, callers.Length, rejected.ErrorCode, rejected.Detail);
        foreach (var caller in callers)
        {
            caller.Done.TrySetException(new RowsRejectedException($"Power BI refused the rows: {rejected.Detail}", rejected));
        }
    }

    private void Failed(FactSubmission[] batch, Exception e)
    {
        metrics.BatchFailed();
        logger.LogWarning(e, "A batch of {Rows} FactEvent row(s) did not land; its deliveries stay captured for the redrive", batch.Sum(s => s.Rows.Length));
        // A refusal that retrying cannot cure (401, 403, 404: a deleted dataset, revoked access) counts toward the
        // poison queue; outages, timeouts and an open circuit are transient, so the redrive postpones them.
        var failure = e is TransientFaultException or PowerBiException { IsTransient: false } ? e : new PowerBiUnavailableException("Power BI did not accept the rows: " + e.Message, e);
        foreach (var submission in batch)
        {
            submission.Done.TrySetException(failure);
        }
    }

    private static ReadOnlyMemory<byte> Body(FactSubmission[] batch)
    {
        using var buffer = new MemoryStream();
        buffer.Write("{\"rows\":["u8);
        var first = true;
        foreach (var row in batch.SelectMany(s => s.Rows))
        {
            if (!first)
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(row);
            first = false;
        }

        buffer.Write("]}"u8);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
