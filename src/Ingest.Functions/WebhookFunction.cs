using System.Diagnostics;
using Ingest.Core.Adapters;
using Ingest.Core.Capture;
using Ingest.Core.Pipeline;
using Ingest.Core.Telemetry;
using Ingest.Functions.Configuration;
using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Functions;

/// <summary>
/// <c>POST /api/webhook/{source}</c>: authenticate → read → classify → capture → process → release capture.
/// Aloware never retries (DESIGN.md I2), so a downstream fault answers 202 "deferred" and the capture is
/// redriven; only the caller's faults and a down capture store answer otherwise.
/// </summary>
public sealed class WebhookFunction(
    WebhookAuthenticator authenticator,
    WebhookRequestReader reader,
    IngestPipeline pipeline,
    ICaptureQueue capture,
    IngestMetrics metrics,
    IOptions<WebhookOptions> options,
    IOptions<CaptureOptions> captureOptions,
    TimeProvider clock,
    ILogger<WebhookFunction> logger)
{
    [Function("Webhook")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhook/{source}")] HttpRequest request,
        string source,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (!pipeline.Accepts(source))
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Unknown source", $"No webhook source named '{source}'.", "source");
        }

        if (authenticator.CheckBeforeReading(source, request) is { } reason)
        {
            return Refuse(source, reason);
        }

        var (envelope, problem) = await reader.ReadAsync(request, source, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (authenticator.CheckAfterReading(source, request, envelope!.Body.Span) is { } signatureReason)
        {
            return Refuse(source, signatureReason);
        }

        using var requestScope = logger.BeginScope(new Dictionary<string, object> { ["Source"] = envelope!.Source, ["RequestId"] = envelope.RequestId });
        var classified = pipeline.Classify(envelope);
        using var eventScope = logger.BeginScope(new Dictionary<string, object?> { ["Event"] = classified.EventName, ["CommunicationId"] = classified.CommunicationId });
        switch (classified.Verdict)
        {
            case AdapterVerdict.Malformed:
                return Problems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", classified.Reason!, "body");
            case AdapterVerdict.Ignored:
                return Finish(envelope, IngestOutcome.IgnoredDelivery, started);
        }

        CapturedDelivery captured;
        try
        {
            captured = await capture.CaptureWithinAsync(envelope, captureOptions.Value.Deadline, clock, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A store that hung until the deadline ends in a cancellation of our own: still a 503, not a 500.
            logger.LogError(e, "The capture store failed until the deadline; delivery {RequestId} was refused with 503", envelope.RequestId);
            metrics.CaptureUnavailable(envelope.Source);
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Capture store unavailable", "The delivery could not be stored; nothing was accepted.");
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
            return Finish(envelope, await processing.WaitAsync(options.Value.ProcessingDeadline, clock, CancellationToken.None), started);
        }
        catch (TimeoutException)
        {
            // The sender must have an answer before its own timeout; the claims and the capture carry the work on.
            _ = LogLateOutcomeAsync(processing, envelope.RequestId);
            return Finish(envelope, IngestOutcome.DeferredDelivery, started, new TimeoutException($"still processing after {options.Value.ProcessingDeadline}"));
        }
        catch (Exception e)
        {
            return Finish(envelope, IngestOutcome.DeferredDelivery, started, e);
        }
    }

    private async Task<IngestOutcome> ProcessAndReleaseAsync(Core.Adapters.AdapterResult classified, CapturedDelivery captured)
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

    private IActionResult Refuse(string source, string reason)
    {
        logger.LogWarning("Refused a {Source} delivery: {Reason}", source, reason);
        metrics.Refused(source, reason);
        return Problems.Unauthorized(reason);
    }

    /// <summary>The request's one summary line (a deferral at Warning, with the fault) and its metrics, then the answer.</summary>
    private ObjectResult Finish(Core.Domain.IngestEnvelope envelope, IngestOutcome outcome, long started, Exception? fault = null)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Delivery(envelope.Source, outcome.Status, elapsed);
        logger.Log(fault is null ? LogLevel.Information : LogLevel.Warning, fault,
            "Delivery {RequestId} {Status}: {Facts} fact(s), {Duplicates} duplicate(s), {Gated} gated, {Ignored} ignored in {DurationMs:0.0} ms",
            envelope.RequestId, outcome.Status.ToString().ToLowerInvariant(), outcome.Facts, outcome.Duplicates, outcome.Gated, outcome.Ignored, elapsed.TotalMilliseconds);
        return Answer(outcome);
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

    private static ObjectResult Answer(IngestOutcome outcome)
    {
        var body = new WebhookAnswer(outcome.Status.ToString().ToLowerInvariant(), outcome.Facts, outcome.Duplicates, outcome.Gated, outcome.Ignored);
        return new ObjectResult(body) { StatusCode = outcome.Status is IngestStatus.Deferred or IngestStatus.Accepted ? StatusCodes.Status202Accepted : StatusCodes.Status200OK };
    }
}

/// <summary>The webhook's answer, as DESIGN.md fixes it.</summary>
public sealed record WebhookAnswer(
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
    [property: System.Text.Json.Serialization.JsonPropertyName("facts")] int Facts,
    [property: System.Text.Json.Serialization.JsonPropertyName("duplicates")] int Duplicates,
    [property: System.Text.Json.Serialization.JsonPropertyName("gated")] int Gated,
    [property: System.Text.Json.Serialization.JsonPropertyName("ignored")] int Ignored);
