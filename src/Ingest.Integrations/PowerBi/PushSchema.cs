using Ingest.Core.Domain;

namespace Ingest.Integrations.PowerBi;

/// <summary>A column as the push API declares it.</summary>
public sealed record ColumnSchema(string Name, string DataType);

/// <summary>A DAX measure of a table.</summary>
public sealed record MeasureSchema(string Name, string Expression);

/// <summary>A table as the push API declares it.</summary>
public sealed record TableSchema(string Name, IReadOnlyList<ColumnSchema> Columns, IReadOnlyList<MeasureSchema>? Measures = null);

/// <summary>A many-to-one relationship from a fact column to a dimension's key.</summary>
public sealed record RelationshipSchema(string Name, string FromTable, string FromColumn, string ToTable, string ToColumn);

/// <summary>The push dataset (docs/architecture.md, "Power BI: the writer and the dataset"): tables, relationships and measures, defined once for the bootstrap and the tests.</summary>
public static class PushSchema
{
    private const string Int64 = "Int64";
    private const string Double = "Double";
    private const string Boolean = "Boolean";
    private const string DateTime = "DateTime";
    private const string String = "String";

    /// <summary>Counts use DISTINCTCOUNT of EventKey, so a row the crash window repeated counts once (docs/contracts.md, I3).</summary>
    private static IEnumerable<MeasureSchema> MetricMeasures() => Enum.GetNames<MetricId>().Select(metric => new MeasureSchema(
        $"{metric} Count",
        $"CALCULATE(DISTINCTCOUNT(FactEvent[EventKey]), FactEvent[MetricID] = \"{metric}\")"));

    public static IReadOnlyList<TableSchema> Tables { get; } =
    [
        new(TableNames.FactEvent,
        [
            new("EventKey", String), new("Source", String), new("MetricID", String), new("MetricMonthKey", String),
            new("AgentID", Int64), new("CommunicationID", Int64), new("Direction", String), new("Disposition", String),
            new("OccurredAtUtc", DateTime), new("DateKey", Int64), new("ShiftID", String), new("DurationSec", Int64),
            new("TalkTimeSec", Int64), new("IngestedAtUtc", DateTime),
        ],
        [
            new("Event Count", "DISTINCTCOUNT(FactEvent[EventKey])"),
            .. MetricMeasures(),
            new("Goal", "SUM(DimMetric[DefaultGoal])"),
            new("Attainment %", "DIVIDE([Event Count], [Goal])"),
            new("RAG Status",
                "VAR attainment = [Attainment %] VAR yellowFloor = MAX(DimMetric[DefaultYellowFloorPct]) RETURN " +
                "IF(ISBLANK(attainment), BLANK(), IF(attainment >= 1, \"Green\", IF(attainment >= yellowFloor, \"Yellow\", \"Red\")))"),
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

    public static IReadOnlyList<RelationshipSchema> Relationships { get; } =
    [
        new("FactEvent_DimAgent", TableNames.FactEvent, "AgentID", TableNames.DimAgent, "AgentID"),
        new("FactEvent_DimMetric", TableNames.FactEvent, "MetricMonthKey", TableNames.DimMetric, "MetricMonthKey"),
        new("FactEvent_DimDate", TableNames.FactEvent, "DateKey", TableNames.DimDate, "DateKey"),
        new("FactEvent_DimShift", TableNames.FactEvent, "ShiftID", TableNames.DimShift, "ShiftID"),
    ];
}
