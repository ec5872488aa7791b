using System.Text.Json.Serialization;

namespace Ingest.Core.Admin.Dimensions;

// The admin bodies exactly as docs/contracts.md, "Admin bodies", writes them.

public sealed record DimAgentSyncRequest([property: JsonPropertyName("members")] IReadOnlyList<AgentMember>? Members);

public sealed record AgentMember(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("email")] string? Email);

public sealed record DimMetricSyncRequest(
    [property: JsonPropertyName("month")] string? Month,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("metrics")] IReadOnlyList<MetricGoal>? Metrics);

public sealed record MetricGoal(
    [property: JsonPropertyName("metricId")] string? MetricId,
    [property: JsonPropertyName("defaultGoal")] double DefaultGoal,
    [property: JsonPropertyName("defaultYellowFloorPct")] double DefaultYellowFloorPct);

public sealed record DimMetricRollbackRequest(
    [property: JsonPropertyName("month")] string? Month,
    [property: JsonPropertyName("toVersion")] long ToVersion);

public sealed record DimDateSeedRequest(
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("to")] string? To);

public sealed record DimShiftSyncRequest([property: JsonPropertyName("shifts")] IReadOnlyList<ShiftSpec>? Shifts);

public sealed record ShiftSpec(
    [property: JsonPropertyName("shiftId")] string? ShiftId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("start")] string? Start,
    [property: JsonPropertyName("end")] string? End,
    [property: JsonPropertyName("days")] IReadOnlyList<string>? Days);

/// <summary>What a run did, answered to ops as JSON.</summary>
public sealed record AdminSummary(
    [property: JsonPropertyName("table")] string Table,
    [property: JsonPropertyName("rowsDeleted")] long? RowsDeleted,
    [property: JsonPropertyName("rowsAdded")] int RowsAdded,
    [property: JsonPropertyName("version")] long? Version,
    [property: JsonPropertyName("durationMs")] long DurationMs)
{
    /// <summary>DimAgent only: facts produced by replaying the quarantined events of agents who joined.</summary>
    [JsonPropertyName("replayedFacts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ReplayedFacts { get; init; }
}

/// <summary>409: the version is not above the last applied one, or another run holds the table.</summary>
public sealed class AdminConflictException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>404: what the request names (a version, a month) was never there.</summary>
public sealed class AdminNotFoundException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>400: what the caller sent cannot be read (a source's recovery file, say); <see cref="Field"/> names the part at fault.</summary>
public class AdminInputException(string title, string field, string message) : Exception(message)
{
    public string Title { get; } = title;
    public string Field { get; } = field;
}
