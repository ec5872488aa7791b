using System.Text.Json.Serialization;

namespace Ingest.Integrations.PowerBi;

/// <summary>A dataset as <c>GET .../datasets</c> lists it.</summary>
public sealed record DatasetInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("addRowsAPIEnabled")] bool AddRowsApiEnabled,
    [property: JsonPropertyName("defaultRetentionPolicy")] string? DefaultRetentionPolicy);

internal sealed record ODataList<T>([property: JsonPropertyName("value")] IReadOnlyList<T> Value);

public sealed record ColumnDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("dataType")] string DataType);

public sealed record MeasureDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("expression")] string Expression);

/// <summary>A table. The service's table listing may carry only the name; columns and measures are then null.</summary>
public sealed record TableDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("columns")] IReadOnlyList<ColumnDto>? Columns,
    [property: JsonPropertyName("measures"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MeasureDto>? Measures)
{
    public static TableDto From(TableSchema table) => new(
        table.Name,
        table.Columns.Select(c => new ColumnDto(c.Name, c.DataType)).ToArray(),
        table.Measures?.Select(m => new MeasureDto(m.Name, m.Expression)).ToArray());
}

public sealed record RelationshipDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("fromTable")] string FromTable,
    [property: JsonPropertyName("fromColumn")] string FromColumn,
    [property: JsonPropertyName("toTable")] string ToTable,
    [property: JsonPropertyName("toColumn")] string ToColumn,
    [property: JsonPropertyName("crossFilteringBehavior")] string CrossFilteringBehavior = "OneDirection");

internal sealed record CreateDatasetDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("defaultMode")] string DefaultMode,
    [property: JsonPropertyName("tables")] IReadOnlyList<TableDto> Tables,
    [property: JsonPropertyName("relationships")] IReadOnlyList<RelationshipDto> Relationships);

internal sealed record RowsDto<TRow>([property: JsonPropertyName("rows")] IReadOnlyList<TRow> Rows);

internal sealed record ErrorDto([property: JsonPropertyName("error")] ErrorBody? Error);

internal sealed record ErrorBody(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message);
