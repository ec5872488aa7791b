using System.Text.Json.Serialization;

namespace Ingest.Core.Domain;

/// <summary>One row of FactEvent: one countable communication for one metric. Property names are the column names.</summary>
public sealed record FactEventRow
{
    public required string EventKey { get; init; }
    public required string Source { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<MetricId>))]
    public required MetricId MetricID { get; init; }

    public required string MetricMonthKey { get; init; }
    public required long AgentID { get; init; }
    public required long CommunicationID { get; init; }
    public required string Direction { get; init; }
    public required string Disposition { get; init; }
    public required DateTime OccurredAtUtc { get; init; }
    public required int DateKey { get; init; }
    public required string ShiftID { get; init; }
    public long? DurationSec { get; init; }
    public long? TalkTimeSec { get; init; }
    public required DateTime IngestedAtUtc { get; init; }
}
