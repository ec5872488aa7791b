using Ingest.Core.Domain;

namespace Ingest.Integrations.PowerBi;

/// <summary>A column as the push API declares it.</summary>
public sealed record ColumnSchema(string Name, string DataType);

/// <summary>A table as the push API declares it.</summary>
public sealed record TableSchema(string Name, IReadOnlyList<ColumnSchema> Columns);

/// <summary>The push dataset's tables and columns (DESIGN.md "Data model"): one definition the bootstrap and the tests share.</summary>
public static class PushSchema
{
    private const string Int64 = "Int64";
    private const string Double = "Double";
    private const string Boolean = "Boolean";
    private const string DateTime = "DateTime";
    private const string String = "String";

    public static IReadOnlyList<TableSchema> Tables { get; } =
    [
        new(TableNames.FactEvent,
        [
            new("EventKey", String), new("Source", String), new("MetricID", String), new("MetricMonthKey", String),
            new("AgentID", Int64), new("CommunicationID", Int64), new("Direction", String), new("Disposition", String),
            new("OccurredAtUtc", DateTime), new("DateKey", Int64), new("ShiftID", String), new("DurationSec", Int64),
            new("TalkTimeSec", Int64), new("IngestedAtUtc", DateTime),
        ]),
        new(TableNames.DimAgent,
        [
            new("AgentID", Int64), new("Name", String), new("Email", String), new("RingGroupID", Int64),
            new("IsActive", Boolean), new("SyncedAtUtc", DateTime),
        ]),
        new(TableNames.DimMetric,
        [
            new("MetricMonthKey", String), new("MetricID", String), new("MonthKey", Int64), new("DefaultGoal", Double),
            new("DefaultYellowFloorPct", Double), new("Version", Int64),
        ]),
        new(TableNames.DimDate,
        [
            new("DateKey", Int64), new("Date", DateTime), new("Year", Int64), new("Quarter", Int64), new("Month", Int64),
            new("MonthKey", Int64), new("MonthName", String), new("Day", Int64), new("DayOfWeek", Int64),
            new("DayName", String), new("IsWeekend", Boolean), new("IsoWeek", Int64),
        ]),
        new(TableNames.DimShift,
        [
            new("ShiftID", String), new("Name", String), new("StartTime", String), new("EndTime", String),
            new("Days", String), new("SortOrder", Int64),
        ]),
    ];
}
