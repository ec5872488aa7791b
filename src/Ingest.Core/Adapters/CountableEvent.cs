using Ingest.Core.Domain;

namespace Ingest.Core.Adapters;

/// <summary>What an adapter found countable in a delivery, before the business calendar and shifts are applied.</summary>
public sealed record CountableEvent(
    string Source,
    MetricId Metric,
    long CommunicationId,
    long AgentId,
    string Direction,
    string Disposition,
    DateTime OccurredAtUtc,
    long? DurationSec,
    long? TalkTimeSec);
