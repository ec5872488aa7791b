using System.Text.Json.Serialization;
using Ingest.Core.Domain;

namespace Ingest.Integrations.Capture;

/// <summary>The captured delivery as stored: the headers that matter are the envelope's fields; the body is base64 or a blob.</summary>
internal sealed record CapturedMessage(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("requestId")] string RequestId,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAtUtc,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("blob")] string? Blob)
{
    public static CapturedMessage From(IngestEnvelope envelope, string? blob)
        => new(1, envelope.Source, envelope.RequestId, envelope.ReceivedAtUtc, blob is null ? Convert.ToBase64String(envelope.Body.Span) : null, blob);
}
