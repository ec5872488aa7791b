using Ingest.Core.Adapters;
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
    IEnumerable<IWebhookSource> sources, WebhookRequestReader reader, IngestMetrics metrics, ILogger<WebhookIntake> logger)
{
    private readonly Dictionary<string, IWebhookSource> _sources = sources.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    /// <returns>The envelope, or the problem+json that answers the request instead.</returns>
    public async Task<(IngestEnvelope? Envelope, IActionResult? Problem)> ReadAsync(HttpRequest request, string source, CancellationToken cancellationToken)
    {
        if (!_sources.TryGetValue(source, out var sender))
        {
            return (null, Problems.Create(StatusCodes.Status404NotFound, "Unknown source", $"No webhook source named '{source}'.", "source"));
        }

        var head = new WebhookRequestHead(request.Method, name => request.Headers[name].FirstOrDefault());
        if (sender.CheckBeforeBody(head) is { } reason)
        {
            return (null, Refuse(source, reason));
        }

        var (envelope, problem) = await reader.ReadAsync(request, source, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        return sender.CheckAfterBody(head, envelope!.Body.Span) is { } signatureReason
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
