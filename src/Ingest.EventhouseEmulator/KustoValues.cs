using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ingest.EventhouseEmulator;

/// <summary>
/// A value as a Kusto column of a type stores it: what cannot be read as the type becomes null, as the service does
/// (a string is empty instead); datetimes are written back as the service writes them (ISO 8601 UTC, no trailing zeros).
/// </summary>
internal static class KustoValues
{
    public static JsonNode? Convert(JsonNode? value, string type)
    {
        if (value is null || value.GetValueKind() == JsonValueKind.Null)
        {
            return type == "string" ? JsonValue.Create(string.Empty) : null;
        }

        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        return type switch
        {
            "string" => JsonValue.Create(text),
            "long" or "int" => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) ? JsonValue.Create(whole) : null,
            "real" or "double" or "decimal" => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? JsonValue.Create(real) : null,
            "bool" or "boolean" => bool.TryParse(text, out var flag) ? JsonValue.Create(flag) : null,
            "datetime" => DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
                ? JsonValue.Create(at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture))
                : null,
            "dynamic" => value.DeepClone(),
            _ => JsonValue.Create(text),
        };
    }

    /// <summary>Reads a simple JSON path (<c>$.Name</c> or <c>$.a.b</c>) from an object; null when any step is missing.</summary>
    public static JsonNode? Read(JsonObject row, string path)
    {
        if (!path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        JsonNode? node = row;
        foreach (var step in path[2..].Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(step, out var next) ? next : null;
        }

        return node;
    }
}
