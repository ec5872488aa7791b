using Ingest.Core.Domain;
using Ingest.Functions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Ingest.Functions.Http;

/// <summary>The router: HTTP request → <see cref="IngestEnvelope"/>, refusing what is not JSON (415), empty (400) or too large (413).</summary>
public sealed class WebhookRequestReader(IOptions<WebhookOptions> options, TimeProvider clock)
{
    public async Task<(IngestEnvelope? Envelope, IActionResult? Problem)> ReadAsync(HttpRequest request, string source, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Content-Type must be application/json, not '{request.ContentType ?? "(none)"}'.", "Content-Type"));
        }

        var limit = options.Value.MaxBodyBytes;
        if (await BoundedBody.ReadAsync(request, limit, cancellationToken) is not { } body)
        {
            return (null, TooLarge(limit));
        }

        if (body.Length == 0)
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "Empty body", "The body is empty; a JSON object was expected.", "body"));
        }

        var envelope = new IngestEnvelope(source.ToLowerInvariant(), RequestId(request), clock.GetUtcNow(), body);
        return (envelope, null);
    }

    public static string RequestId(HttpRequest request)
        => request.Headers["x-request-id"].FirstOrDefault() is { Length: > 0 and <= 128 } given ? given : request.HttpContext.TraceIdentifier;

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        return media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);
    }

    private static ObjectResult TooLarge(int limit)
        => Problems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body is larger than {limit} bytes.", "body");
}
