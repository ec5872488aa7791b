using System.Diagnostics;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Capture;

/// <summary>What became of an authenticated delivery; the host turns it into its answer.</summary>
public enum DeliveryVerdict
{
    /// <summary>Answered with <see cref="DeliveryResult.Outcome"/>: processed, ignored, accepted for enrichment or deferred.</summary>
    Answered,

    /// <summary>The body is not well-formed: the caller's fault, nothing was captured.</summary>
    Malformed,

    /// <summary>The capture store could not keep it within <c>Capture__Deadline</c>: nothing was accepted.</summary>
    CaptureUnavailable,
}

public sealed record DeliveryResult(DeliveryVerdict Verdict, IngestOutcome Outcome, string? Reason = null);

/// <summary>
/// The delivery path after authentication (docs/contracts.md, I1 and I2): classify → capture → process → release the capture.
/// Aloware never retries, so once captured a delivery is ours: a downstream fault, or processing past the deadline,
/// answers <c>deferred</c> and the redrive finishes it; only a malformed body and a down capture store answer otherwise.
/// </summary>
public sealed class DeliveryProcessor(
    IngestPipeline pipeline, ICaptureQueue capture, IngestMetrics metrics, IOptions<CaptureOptions> options, TimeProvider clock, ILogger<DeliveryProcessor> logger)
{
    /// <param name="processingDeadline">How long the caller may wait for the facts to land before the answer is <c>deferred</c>.</param>
    /// <param name="started">When the request arrived (<see cref="Stopwatch.GetTimestamp"/>): the duration reported covers reading and authenticating it too.</param>
    public async Task<DeliveryResult> AcceptAsync(IngestEnvelope envelope, TimeSpan processingDeadline, long started, CancellationToken cancellationToken)
    {
        using var requestScope = logger.BeginScope(new Dictionary<string, object> { ["Source"] = envelope.Source, ["RequestId"] = envelope.RequestId });
        var classified = pipeline.Classify(envelope);
        using var eventScope = logger.BeginScope(new Dictionary<string, object?> { ["Event"] = classified.EventName, ["CommunicationId"] = classified.CommunicationId });
        switch (classified.Verdict)
        {
            case AdapterVerdict.Malformed:
                return new DeliveryResult(DeliveryVerdict.Malformed, IngestOutcome.IgnoredDelivery, classified.Reason);
            case AdapterVerdict.Ignored:
                return Finish(envelope, IngestOutcome.IgnoredDelivery, started);
        }

        CapturedDelivery captured;
        try
        {
            captured = await capture.CaptureWithinAsync(envelope, options.Value.Deadline, clock, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A store that hung until the deadline ends in a cancellation of our own: still a 503, not a 500.
            logger.LogError(e, "The capture store failed until the deadline; delivery {RequestId} was refused with 503", envelope.RequestId);
            metrics.CaptureUnavailable(envelope.Source);
            return new DeliveryResult(DeliveryVerdict.CaptureUnavailable, IngestOutcome.DeferredDelivery);
        }

        if (classified.Candidates.Count > 0)
        {
            // Enrichment reads the source's API, which may be slow or rate-limited, and HubSpot retries any answer
            // slower than 5 s: the capture is what it needed; the redrive enriches and counts.
            return Finish(envelope, IngestOutcome.AcceptedDelivery, started);
        }

        // Not the caller's token: once captured, the work is ours to finish (or leave to the redrive), whoever hangs up.
        var processing = ProcessAndReleaseAsync(classified, captured);
        try
        {
            return Finish(envelope, await processing.WaitAsync(processingDeadline, clock, CancellationToken.None), started);
        }
        catch (TimeoutException)
        {
            // The sender must have an answer before its own timeout; the claims and the capture carry the work on.
            _ = LogLateOutcomeAsync(processing, envelope.RequestId);
            return Finish(envelope, IngestOutcome.DeferredDelivery, started, new TimeoutException($"still processing after {processingDeadline}"));
        }
        catch (Exception e)
        {
            return Finish(envelope, IngestOutcome.DeferredDelivery, started, e);
        }
    }

    private async Task<IngestOutcome> ProcessAndReleaseAsync(AdapterResult classified, CapturedDelivery captured)
    {
        var outcome = await pipeline.ProcessAsync(classified, CancellationToken.None);
        if (outcome.IsSettled)
        {
            await ReleaseCaptureAsync(captured);
        }

        return outcome;
    }

    private async Task LogLateOutcomeAsync(Task<IngestOutcome> processing, string requestId)
    {
        try
        {
            var outcome = await processing;
            logger.LogInformation("Delivery {RequestId}, answered deferred at the deadline, finished later: {Facts} fact(s), settled {Settled}", requestId, outcome.Facts, outcome.IsSettled);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Delivery {RequestId}, answered deferred at the deadline, did not finish; the redrive will", requestId);
        }
    }

    /// <summary>The request's one summary line (a deferral at Warning, with the fault) and its metrics.</summary>
    private DeliveryResult Finish(IngestEnvelope envelope, IngestOutcome outcome, long started, Exception? fault = null)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Delivery(envelope.Source, outcome.Status, elapsed);
        logger.Log(fault is null ? LogLevel.Information : LogLevel.Warning, fault,
            "Delivery {RequestId} {Status}: {Facts} fact(s), {Duplicates} duplicate(s), {Gated} gated, {Ignored} ignored in {DurationMs:0.0} ms",
            envelope.RequestId, outcome.Status.ToString().ToLowerInvariant(), outcome.Facts, outcome.Duplicates, outcome.Gated, outcome.Ignored, elapsed.TotalMilliseconds);
        return new DeliveryResult(DeliveryVerdict.Answered, outcome);
    }

    /// <summary>A release that fails only means the redrive runs the delivery again, which the ledger absorbs.</summary>
    private async Task ReleaseCaptureAsync(CapturedDelivery captured)
    {
        try
        {
            await capture.DeleteAsync(captured, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release the capture of {RequestId}; the redrive will find nothing left to do", captured.Envelope.RequestId);
        }
    }
}
