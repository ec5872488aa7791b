using System.Text.Json.Serialization;

namespace Ingest.Core.Domain;

/// <summary>An agent on the roster; also the gate that decides which events count.</summary>
public sealed record DimAgent
{
    public required long AgentID { get; init; }
    public required string Name { get; init; }
    public string? Email { get; init; }
    public long? RingGroupID { get; init; }
    public bool IsActive { get; init; } = true;
    public DateTime SyncedAtUtc { get; init; }
}

/// <summary>One metric's goal for one month.</summary>
public sealed record DimMetric
{
    public required string MetricMonthKey { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<MetricId>))]
    public required MetricId MetricID { get; init; }

    public required int MonthKey { get; init; }
    public required double DefaultGoal { get; init; }
    public required double DefaultYellowFloorPct { get; init; }
    public required long Version { get; init; }
}

/// <summary>One calendar day in the business time zone.</summary>
public sealed record DimDate
{
    public required int DateKey { get; init; }
    public required DateTime Date { get; init; }
    public required int Year { get; init; }
    public required int Quarter { get; init; }
    public required int Month { get; init; }
    public required int MonthKey { get; init; }
    public required string MonthName { get; init; }
    public required int Day { get; init; }
    public required int DayOfWeek { get; init; }
    public required string DayName { get; init; }
    public required bool IsWeekend { get; init; }
    public required int IsoWeek { get; init; }
}

/// <summary>One shift as the dashboard shows it.</summary>
public sealed record DimShift
{
    public required string ShiftID { get; init; }
    public required string Name { get; init; }
    public required string StartTime { get; init; }
    public required string EndTime { get; init; }
    public required string Days { get; init; }
    public required int SortOrder { get; init; }
}
