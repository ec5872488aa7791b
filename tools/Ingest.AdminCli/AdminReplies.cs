using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ingest.AdminCli;

/// <summary>What the app answered, as ops read it: a summary indented, or the problem's title and each field's error.</summary>
internal static class AdminReplies
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static string Reformat(string json)
    {
        try
        {
            return JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(json), Pretty);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>"400 Invalid request" then one line per field error, or the problem's detail and reason.</summary>
    public static string DescribeFailure(int status, string text)
    {
        var lines = new StringBuilder();
        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(text);
            lines.Append(CultureInfo.InvariantCulture, $"{status} {Text(problem, "title")}");
            if (Text(problem, "reason") is { } reason)
            {
                lines.Append(CultureInfo.InvariantCulture, $" ({reason})");
            }

            if (problem.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fields.EnumerateObject())
                {
                    foreach (var message in field.Value.EnumerateArray())
                    {
                        lines.Append(CultureInfo.InvariantCulture, $"\n  {field.Name}: {message.GetString()}");
                    }
                }
            }
            else if (Text(problem, "detail") is { } detail)
            {
                lines.Append(CultureInfo.InvariantCulture, $"\n  {detail}");
            }
        }
        catch (JsonException)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{status}\n  {text}");
        }

        return lines.ToString();
    }

    private static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
