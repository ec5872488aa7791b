namespace Ingest.Core.Domain;

/// <summary>The dashboard's tables, named once, whatever the sink.</summary>
public static class TableNames
{
    public const string FactEvent = "FactEvent";
    public const string DimAgent = "DimAgent";
    public const string DimMetric = "DimMetric";
    public const string DimDate = "DimDate";
    public const string DimShift = "DimShift";

    public static readonly IReadOnlyList<string> All = [FactEvent, DimAgent, DimMetric, DimDate, DimShift];
}
