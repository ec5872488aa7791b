using Ingest.Core.Capture;
using Ingest.Core.Domain;
using Ingest.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Http;

/// <summary>
/// A webhook request until it is a delivery: a source we serve (404), the credential checked before the body is read
/// and the signature after (401, logged and counted with its reason only), the body read within its limits (413/415/400).
/// </summary>
public sealed class WebhookIntake(
    WebhookAuthenticator authenticator, WebhookRequestReader reader, DeliveryProcessor deliveries, IngestMetrics metrics, ILogger<WebhookIntake> logger)
{
    /// <returns>The envelope, or the problem+json that answers the request instead.</returns>
    public async Task<(IngestEnvelope? Envelope, IActionResult? Problem)> ReadAsync(HttpRequest request, string source, CancellationToken cancellationToken)
    {
        if (!deliveries.Accepts(source))
        {
            return (null, Problems.Create(StatusCodes.Status404NotFound, "Unknown source", $"No webhook source named '{source}'.", "source"));
        }

        if (authenticator.CheckBeforeReading(source, request) is { } reason)
        {
            return (null, Refuse(source, reason));
        }

        var (envelope, problem) = await reader.ReadAsync(request, source, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        return authenticator.CheckAfterReading(source, request, envelope!.Body.Span) is { } signatureReason
            ? (null, Refuse(source, signatureReason))
            : (envelope, null);
    }

    private ObjectResult Refuse(string source, string reason)
    {
        logger.LogWarning("Refused a {Source} delivery: {Reason}", source, reason);
        metrics.Refused(source, reason);
        return Problems.Unauthorized(reason);
    }
}
