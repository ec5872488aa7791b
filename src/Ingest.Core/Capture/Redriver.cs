using Ingest.Core.Adapters;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Capture;

/// <summary>
/// Runs captured deliveries through the pipeline again: those whose request was deferred, or whose worker
/// died. Safe to repeat, because the ledger counts each communication once.
/// </summary>
public sealed class Redriver(ICaptureQueue queue, IngestPipeline pipeline, IFactSink sink, IOptions<CaptureOptions> options, ILogger<Redriver> logger)
{
    /// <summary>Deliveries taken per round: the most one storage queue receive returns.</summary>
    public const int BatchSize = 32;

    /// <summary>
    /// Redrives a batch of received deliveries together, so their facts share the writer's POSTs instead of
    /// waiting for one flush each.
    /// </summary>
    /// <returns>How many deliveries were received, and how many settled (landed, or found to have nothing left to land).</returns>
    public async Task<(int Received, int Settled)> RunOnceAsync(CancellationToken cancellationToken)
    {
        // While the sink refuses everything, receiving would only spend the deliveries' attempts toward the poison queue.
        if (sink.RefusingFor > TimeSpan.Zero)
        {
            return (0, 0);
        }

        var received = await queue.ReceiveAsync(BatchSize, cancellationToken);
        var redriving = Task.WhenAll(received.Select(delivery => RedriveAsync(delivery, cancellationToken)));
        try
        {
            // Like a function timeout: a delivery stuck longer than its invisibility is received again anyway,
            // so the loop moves on instead of waiting on it.
            return (received.Count, (await redriving.WaitAsync(options.Value.VisibilityTimeout, cancellationToken)).Count(s => s));
        }
        catch (TimeoutException)
        {
            logger.LogWarning("A redrive batch of {Count} did not finish within {VisibilityTimeout}; moving on", received.Count, options.Value.VisibilityTimeout);
            return (received.Count, 0);
        }
    }

    /// <summary>Runs one captured delivery through the pipeline again.</summary>
    /// <returns>True when nothing is left to land; false while another worker still holds some of its facts.</returns>
    /// <exception cref="Exception">A downstream fault: the delivery stays captured.</exception>
    public async Task<bool> SettleAsync(Core.Domain.IngestEnvelope envelope, CancellationToken cancellationToken)
    {
        var classified = pipeline.Classify(envelope);
        var outcome = classified.Verdict == AdapterVerdict.Countable
            ? await pipeline.ProcessAsync(classified, cancellationToken)
            : IngestOutcome.IgnoredDelivery;
        logger.LogInformation("Redrove delivery {RequestId}: {Facts} fact(s), {Duplicates} duplicate(s), {Gated} gated, settled {Settled}",
            envelope.RequestId, outcome.Facts, outcome.Duplicates, outcome.Gated, outcome.IsSettled);
        return outcome.IsSettled;
    }

    public async Task<bool> RedriveAsync(CapturedDelivery delivery, CancellationToken cancellationToken)
    {
        var envelope = delivery.Envelope;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Source"] = envelope.Source, ["RequestId"] = envelope.RequestId });
        if (delivery.DequeueCount > options.Value.MaxDequeueCount)
        {
            logger.LogError("Delivery {RequestId} failed {Attempts} times; moved to the poison queue", envelope.RequestId, delivery.DequeueCount - 1);
            await queue.MoveToPoisonAsync(delivery, cancellationToken);
            return false;
        }

        try
        {
            if (!await SettleAsync(envelope, cancellationToken))
            {
                return false;
            }

            await queue.DeleteAsync(delivery, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Redrive of delivery {RequestId} failed (attempt {Attempt}); it stays captured", envelope.RequestId, delivery.DequeueCount);
            return false;
        }
    }
}
