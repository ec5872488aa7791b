using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ingest.EventhouseEmulator;

/// <summary>
/// Reads the values of a <c>datatable(...)[...]</c> literal: string literals ("..." or '...' with backslash escapes,
/// or verbatim @"..."), numbers, true / false, and typed literals such as <c>datetime(2026-11-26)</c> or <c>long(null)</c>.
/// </summary>
internal static class DataTableLiteral
{
    /// <exception cref="FormatException">A value the emulator cannot read.</exception>
    public static List<JsonNode?> Values(string text)
    {
        var values = new List<JsonNode?>();
        var i = 0;
        while (true)
        {
            SkipSpace(text, ref i);
            if (i >= text.Length)
            {
                return values;
            }

            values.Add(ReadValue(text, ref i));
            SkipSpace(text, ref i);
            if (i < text.Length && text[i] != ',')
            {
                throw new FormatException($"Expected ',' at offset {i} of the datatable's values.");
            }

            i++;
        }
    }

    private static JsonNode? ReadValue(string text, ref int i)
    {
        var c = text[i];
        if (c is '"' or '\'')
        {
            return JsonValue.Create(ReadString(text, ref i, c, verbatim: false));
        }

        if (c == '@' && i + 1 < text.Length && text[i + 1] is '"' or '\'')
        {
            i++;
            return JsonValue.Create(ReadString(text, ref i, text[i], verbatim: true));
        }

        var start = i;
        while (i < text.Length && text[i] != ',' && text[i] != '(')
        {
            i++;
        }

        var word = text[start..i].Trim();
        if (i < text.Length && text[i] == '(')
        {
            var close = text.IndexOf(')', i);
            if (close < 0)
            {
                throw new FormatException($"Unclosed {word}( in the datatable's values.");
            }

            var inner = text[(i + 1)..close].Trim();
            i = close + 1;
            return inner == "null" ? null : JsonValue.Create(inner);
        }

        return word switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => JsonValue.Create(word),
            _ => throw new FormatException($"The emulator cannot read the value '{word}'."),
        };
    }

    private static string ReadString(string text, ref int i, char quote, bool verbatim)
    {
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i++];
            if (c == quote)
            {
                if (verbatim && i < text.Length && text[i] == quote)
                {
                    value.Append(quote);
                    i++;
                    continue;
                }

                return value.ToString();
            }

            if (c == '\\' && !verbatim && i < text.Length)
            {
                var escaped = text[i++];
                value.Append(escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => escaped });
                continue;
            }

            value.Append(c);
        }

        throw new FormatException("Unclosed string literal in the datatable's values.");
    }

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }
}
