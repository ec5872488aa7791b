using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ingest.Integrations.Eventhouse;

/// <summary>Rows written as a KQL <c>datatable(...)[...]</c> literal, for a <c>.set-or-replace</c> that swaps a table's rows in one step.</summary>
public static class KqlLiterals
{
    /// <param name="rows">Each row serialized as a JSON object whose property names are the column names.</param>
    public static string DataTable(IReadOnlyList<(string Name, string Type)> columns, IEnumerable<JsonElement> rows)
    {
        var text = new StringBuilder("datatable(");
        text.AppendJoin(", ", columns.Select(c => $"{c.Name}:{c.Type}")).Append(")\n[");
        var first = true;
        foreach (var row in rows)
        {
            text.Append(first ? "\n    " : ",\n    ");
            first = false;
            text.AppendJoin(", ", columns.Select(c => Value(row.TryGetProperty(c.Name, out var v) ? v : default, c.Type)));
        }

        return text.Append("\n]").ToString();
    }

    /// <summary>A value as a literal of the column's type; a missing or null one is the type's null (a string's is empty).</summary>
    public static string Value(JsonElement value, string type)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return type == "string" ? "\"\"" : $"{type}(null)";
        }

        return type switch
        {
            "string" => Quote(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()),
            // A date without a zone (DimDate's) is the date itself, never the server's local time.
            "datetime" => $"datetime({DateTime.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)})",
            "bool" => value.GetBoolean() ? "true" : "false",
            "long" or "int" => value.GetInt64().ToString(CultureInfo.InvariantCulture),
            "real" => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"No literal for Kusto type '{type}'.", nameof(type)),
        };
    }

    /// <summary>A double-quoted KQL string literal: backslash, quote and line breaks escaped.</summary>
    public static string Quote(string text)
        => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
}
