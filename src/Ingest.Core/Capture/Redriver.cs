using Ingest.Core.Telemetry;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Capture;

/// <summary>
/// Runs captured deliveries through the pipeline again: those whose request was deferred, or whose worker
/// died. Safe to repeat, because the ledger counts each communication once.
/// </summary>
public sealed class Redriver(ICaptureQueue queue, IngestPipeline pipeline, ISinkAvailability sink, IOptions<CaptureOptions> options, IngestMetrics metrics, ILogger<Redriver> logger)
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
        if (SinkRefuses)
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
    private async Task<bool> ReprocessAsync(Core.Domain.IngestEnvelope envelope, CancellationToken cancellationToken)
    {
        var outcome = await pipeline.ProcessAsync(pipeline.Classify(envelope), cancellationToken);
        logger.LogInformation("Redrove delivery {RequestId}: {Facts} fact(s), {Duplicates} duplicate(s), {Gated} gated, settled {Settled}",
            envelope.RequestId, outcome.Facts, outcome.Duplicates, outcome.Gated, outcome.IsSettled);
        return outcome.IsSettled;
    }

    /// <summary>
    /// One redrive attempt, judged: settled; postponed when another worker holds some of its facts or a dependency
    /// is down (neither is the delivery's fault, so neither may spend its attempts); failed otherwise.
    /// </summary>
    internal async Task<RedriveVerdict> AttemptAsync(Core.Domain.IngestEnvelope envelope, long attempt, CancellationToken cancellationToken)
    {
        if (SinkRefuses)
        {
            // An attempt could only fail: come back once the sink takes rows again (PostponeFor).
            logger.LogInformation("The sink refuses every write for now; delivery {RequestId} is postponed for {PostponeFor}, not attempted", envelope.RequestId, PostponeFor);
            return RedriveVerdict.Postpone;
        }

        try
        {
            return await ReprocessAsync(envelope, cancellationToken) ? RedriveVerdict.Settled : RedriveVerdict.Postpone;
        }
        catch (TransientFaultException e)
        {
            logger.LogWarning("Redrive of delivery {RequestId} met an outage ({Reason}); postponed", envelope.RequestId, e.Message);
            return RedriveVerdict.Postpone;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Redrive of delivery {RequestId} failed (attempt {Attempt} of {MaxAttempts})", envelope.RequestId, attempt, options.Value.MaxDequeueCount);
            return RedriveVerdict.Failed;
        }
    }

    /// <summary>True when a failed attempt was the last one allowed: the delivery goes to the poison queue.</summary>
    public bool IsLastAttempt(long attempt) => attempt >= options.Value.MaxDequeueCount;

    /// <summary>Logs and counts a delivery whose last allowed attempt failed, once it is in the poison queue.</summary>
    private void ReportPoisoned(Core.Domain.IngestEnvelope envelope, long attempts)
    {
        logger.LogError("Delivery {RequestId} failed {Attempts} times; moved to the poison queue", envelope.RequestId, attempts);
        metrics.Poisoned(envelope.Source);
    }

    /// <summary>True while the sink refuses every row (its circuit is open): an attempt could only fail, so deliveries wait instead.</summary>
    public bool SinkRefuses => sink.RefusingFor > TimeSpan.Zero;

    /// <summary>How long a postponed delivery waits before its next attempt: the redrive delay, or until the sink takes rows again.</summary>
    public TimeSpan PostponeFor => sink.RefusingFor is var refusing && refusing > TimeSpan.Zero
        ? refusing + TimeSpan.FromSeconds(1)
        : options.Value.RedriveDelay;

    public async Task<bool> RedriveAsync(CapturedDelivery delivery, CancellationToken cancellationToken)
    {
        var envelope = delivery.Envelope;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Source"] = envelope.Source, ["RequestId"] = envelope.RequestId });
        try
        {
            return await ApplyAsync(envelope, delivery.DequeueCount, new QueuedDelivery(queue, delivery), cancellationToken) == RedriveVerdict.Settled;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Logged with its verdict by ApplyAsync; the message is still on the queue and reappears after its invisibility.
            return false;
        }
    }

    /// <summary>
    /// The one redrive decision, for the local loop and the queue trigger alike: attempt the delivery, then settle,
    /// postpone, or poison it on the last allowed failure; an earlier failure is left to <paramref name="capture"/>'s host.
    /// </summary>
    public async Task<RedriveVerdict> ApplyAsync(Core.Domain.IngestEnvelope envelope, long attempt, IRedrivenCapture capture, CancellationToken cancellationToken)
    {
        var verdict = await AttemptAsync(envelope, attempt, cancellationToken);
        try
        {
            await ActOnAsync(verdict, envelope, attempt, capture, cancellationToken);
        }
        catch (Exception e) when (e is not RedriveFailedException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(e, "Could not act on the redrive of {RequestId} ({Verdict}); the capture stays", envelope.RequestId, verdict);
            throw;
        }

        return verdict;
    }

    private async Task ActOnAsync(RedriveVerdict verdict, Core.Domain.IngestEnvelope envelope, long attempt, IRedrivenCapture capture, CancellationToken cancellationToken)
    {
        switch (verdict)
        {
            case RedriveVerdict.Settled:
                await capture.SettleAsync(cancellationToken);
                break;
            case RedriveVerdict.Postpone:
                await capture.PostponeAsync(PostponeFor, cancellationToken);
                break;
            case RedriveVerdict.Failed when IsLastAttempt(attempt):
                await capture.PoisonAsync(cancellationToken);
                ReportPoisoned(envelope, attempt);
                break;
            default:
                await capture.FailedAsync(envelope, attempt);
                break;
        }
    }

    /// <summary>A delivery received by the local loop: the queue itself settles, postpones and poisons it.</summary>
    private sealed class QueuedDelivery(ICaptureQueue queue, CapturedDelivery delivery) : IRedrivenCapture
    {
        public Task SettleAsync(CancellationToken cancellationToken) => queue.DeleteAsync(delivery, cancellationToken);

        public Task PostponeAsync(TimeSpan delay, CancellationToken cancellationToken) => queue.PostponeAsync(delivery, delay, cancellationToken);

        public Task PoisonAsync(CancellationToken cancellationToken) => queue.MoveToPoisonAsync(delivery, cancellationToken);

        /// <summary>Nothing to do: the message reappears after its invisibility, one attempt spent.</summary>
        public Task FailedAsync(Core.Domain.IngestEnvelope envelope, long attempt) => Task.CompletedTask;
    }
}

/// <summary>The host's hold on one captured delivery being redriven: what settling, postponing, poisoning and failing it mean there.</summary>
public interface IRedrivenCapture
{
    Task SettleAsync(CancellationToken cancellationToken);

    /// <summary>Makes it visible again after <paramref name="delay"/> with a fresh attempt count.</summary>
    Task PostponeAsync(TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Keeps it in the poison queue until an admin replays it.</summary>
    Task PoisonAsync(CancellationToken cancellationToken);

    /// <summary>A failed attempt with attempts left: the host tries again later.</summary>
    Task FailedAsync(Core.Domain.IngestEnvelope envelope, long attempt);
}

/// <summary>What one redrive attempt decided for its delivery.</summary>
public enum RedriveVerdict
{
    /// <summary>Everything landed or had nothing left to land: delete the capture.</summary>
    Settled,

    /// <summary>Another worker holds some facts, or a dependency is down: try again later with a fresh attempt count.</summary>
    Postpone,

    /// <summary>The attempt failed for a reason that may be the delivery's own: it counts toward the poison queue.</summary>
    Failed,
}
