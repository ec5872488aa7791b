using System.Globalization;
using System.Text.Json;

namespace Ingest.PowerBiEmulator;

/// <summary>What Power BI checks of a table's declaration and of each row posted to it.</summary>
internal static class EmulatorSchema
{
    private static readonly string[] DataTypes = ["Int64", "Double", "Boolean", "DateTime", "String"];

    /// <returns>The table, or what is wrong with its declaration.</returns>
    public static (EmulatedTable? Table, string? Error) ParseTable(JsonElement table, string? expectedName, EmulatorLimits limits)
    {
        if (table.ValueKind != JsonValueKind.Object || !table.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return (null, "A table needs a name.");
        }

        var tableName = name.GetString()!;
        if (expectedName is not null && !string.Equals(tableName, expectedName, StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"The body names table '{tableName}', the URL '{expectedName}'.");
        }

        if (!table.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array || columns.GetArrayLength() == 0)
        {
            return (null, $"Table '{tableName}' needs columns.");
        }

        if (columns.GetArrayLength() > limits.MaxColumns)
        {
            return (null, $"Table '{tableName}' has more than {limits.MaxColumns} columns.");
        }

        var parsed = new List<ColumnDef>();
        foreach (var column in columns.EnumerateArray())
        {
            var columnName = column.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var rawType = column.TryGetProperty("dataType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var dataType = DataTypes.FirstOrDefault(known => string.Equals(known, rawType, StringComparison.OrdinalIgnoreCase));
            if (string.IsNullOrEmpty(columnName) || dataType is null)
            {
                return (null, $"Table '{tableName}': every column needs a name and a dataType of {string.Join(", ", DataTypes)}.");
            }

            parsed.Add(new ColumnDef(columnName, dataType));
        }

        return (new EmulatedTable(tableName, parsed, table.Clone()), null);
    }

    public static string? CheckRow(EmulatedTable table, JsonElement row, EmulatorLimits limits)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            return "a row must be a JSON object.";
        }

        foreach (var cell in row.EnumerateObject())
        {
            if (table.Column(cell.Name) is not { } column)
            {
                return $"column '{cell.Name}' is not in table '{table.Name}'.";
            }

            if (CheckValue(column, cell.Value, limits) is { } problem)
            {
                return $"column '{cell.Name}' ({column.DataType}): {problem}";
            }
        }

        return null;
    }

    private static string? CheckValue(ColumnDef column, JsonElement value, EmulatorLimits limits)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (column.DataType)
        {
            case "Int64":
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) ? null : $"{value.GetRawText()} is not an Int64.";
            case "Double":
                if (value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "-Infinity")
                {
                    return "NaN and infinities are not allowed.";
                }

                return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) ? null : $"{value.GetRawText()} is not a Double.";
            case "Boolean":
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"{value.GetRawText()} is not a Boolean.";
            case "DateTime":
                return value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, out _)
                    ? null
                    : $"{Abbreviate(value.GetRawText())} is not a DateTime.";
            default:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return $"{Abbreviate(value.GetRawText())} is not a String.";
                }

                var length = value.GetString()!.Length;
                return length > limits.MaxStringLength ? $"{length} characters; at most {limits.MaxStringLength}." : null;
        }
    }

    private static string Abbreviate(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
