namespace Ingest.Core.Domain;

/// <summary>One webhook delivery as received: transport details stripped, the body's bytes kept as sent.</summary>
public sealed record IngestEnvelope(
    string Source,
    string RequestId,
    DateTimeOffset ReceivedAtUtc,
    ReadOnlyMemory<byte> Body);
