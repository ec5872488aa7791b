using System.Text.Json.Serialization;

namespace Ingest.Integrations.PowerBi;

/// <summary>A dataset as <c>GET .../datasets</c> lists it.</summary>
public sealed record DatasetInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("addRowsAPIEnabled")] bool AddRowsApiEnabled,
    [property: JsonPropertyName("defaultRetentionPolicy")] string? DefaultRetentionPolicy);

internal sealed record ODataList<T>([property: JsonPropertyName("value")] IReadOnlyList<T> Value);

internal sealed record ColumnDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("dataType")] string DataType);

internal sealed record TableDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("columns")] IReadOnlyList<ColumnDto> Columns);

internal sealed record CreateDatasetDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("defaultMode")] string DefaultMode,
    [property: JsonPropertyName("tables")] IReadOnlyList<TableDto> Tables);

internal sealed record RowsDto<TRow>([property: JsonPropertyName("rows")] IReadOnlyList<TRow> Rows);

internal sealed record ErrorDto([property: JsonPropertyName("error")] ErrorBody? Error);

internal sealed record ErrorBody(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message);
