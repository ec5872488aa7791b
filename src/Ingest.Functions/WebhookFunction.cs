using System.Diagnostics;
using Ingest.Core.Capture;
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
/// <c>POST /api/webhook/{source}</c>: authenticate and read the request, then the <see cref="DeliveryProcessor"/>
/// captures and processes it; its verdict becomes the answer DESIGN.md fixes (deferred is 202, a down capture 503).
/// </summary>
public sealed class WebhookFunction(
    WebhookAuthenticator authenticator, WebhookRequestReader reader, DeliveryProcessor deliveries, IngestMetrics metrics, IOptions<WebhookOptions> options, ILogger<WebhookFunction> logger)
{
    [Function("Webhook")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhook/{source}")] HttpRequest request, string source, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (!deliveries.Accepts(source))
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

        var result = await deliveries.AcceptAsync(envelope, options.Value.ProcessingDeadline, started, cancellationToken);
        return result.Verdict switch
        {
            DeliveryVerdict.Malformed => Problems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", result.Reason!, "body"),
            DeliveryVerdict.CaptureUnavailable => Problems.Create(StatusCodes.Status503ServiceUnavailable, "Capture store unavailable", "The delivery could not be stored; nothing was accepted."),
            _ => WebhookAnswer.For(result.Outcome),
        };
    }

    private IActionResult Refuse(string source, string reason)
    {
        logger.LogWarning("Refused a {Source} delivery: {Reason}", source, reason);
        metrics.Refused(source, reason);
        return Problems.Unauthorized(reason);
    }
}
