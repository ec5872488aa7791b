using Ingest.Core.Domain;

namespace Ingest.Core.Adapters;

/// <summary>
/// One sender of webhooks, all the app knows of it in one place: its name (the route value of
/// <c>POST /api/webhook/{source}</c>), who may send (checked on the headers before the body is read, and on the
/// body after), how its deliveries are classified, and, when its events leave something out, the enricher that reads
/// it after capture. Adding a source is one folder and one registration (docs/architecture.md, "Adding a source").
/// </summary>
public interface IWebhookSource
{
    string Name { get; }

    /// <returns>Null when the request passes so far; otherwise the reason code its 401 carries.</returns>
    string? CheckBeforeBody(WebhookRequestHead request);

    /// <returns>Null when the body's signature (if the source signs) is right; otherwise the reason code.</returns>
    string? CheckAfterBody(WebhookRequestHead request, ReadOnlySpan<byte> body);

    /// <summary>Pure: no I/O, so ignored and malformed deliveries are answered before anything is captured.</summary>
    AdapterResult Classify(IngestEnvelope envelope);

    /// <summary>Settles this source's <see cref="EnrichmentCandidate"/>s after capture; null when it makes none.</summary>
    IEventEnricher? Enricher { get; }
}

/// <summary>What a credential check may read of a request, with no transport types: its method and its headers.</summary>
public sealed record WebhookRequestHead(string Method, Func<string, string?> Header);
