using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ingest.Integrations.Aloware;

/// <summary>
/// Aloware's scalar values as <see cref="AlowareFields"/> meets them: names compared ignoring case, spaces and
/// underscores; numbers as numbers or strings; timestamps in the forms Aloware and Zapier send. None allocates.
/// </summary>
internal static class AlowareValues
{
    public const int MaxNameBytes = 32;
    private const int MaxScalarBytes = 64;
    private const int MaxEventNameBytes = 200;

    /// <summary>Lower-cases ASCII and drops spaces, underscores and hyphens; empty when too long to be a name we know.</summary>
    public static ReadOnlySpan<byte> Normalise(in Utf8JsonReader reader, Span<byte> buffer)
    {
        if (reader.ValueSpan.Length > MaxNameBytes * 2)
        {
            return [];
        }

        Span<byte> raw = stackalloc byte[MaxNameBytes * 2];
        var source = Unescaped(in reader, raw);
        var length = 0;
        foreach (var b in source)
        {
            if (b is (byte)' ' or (byte)'_' or (byte)'-')
            {
                continue;
            }

            if (length == buffer.Length)
            {
                return [];
            }

            buffer[length++] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
        }

        return buffer[..length];
    }

    public static long? ReadInteger(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var whole))
                {
                    return whole;
                }

                return reader.TryGetDouble(out var real) && IsWhole(real) ? (long)real : null;
            case JsonTokenType.String when reader.ValueSpan.Length <= MaxScalarBytes:
                Span<byte> raw = stackalloc byte[MaxScalarBytes];
                var text = Trim(Unescaped(in reader, raw));
                if (Utf8Parser.TryParse(text, out long parsed, out var used) && used == text.Length)
                {
                    return parsed;
                }

                return Utf8Parser.TryParse(text, out double parsedReal, out used) && used == text.Length && IsWhole(parsedReal)
                    ? (long)parsedReal
                    : null;
            default:
                return null;
        }
    }

    private static bool IsWhole(double value)
        => double.IsFinite(value) && Math.Abs(value) < 9e15 && value == Math.Floor(value);

    public static long? ReadDisposition(ref Utf8JsonReader reader)
    {
        var code = ReadInteger(ref reader);
        if (code is not null || reader.TokenType != JsonTokenType.String)
        {
            return code;
        }

        Span<byte> buffer = stackalloc byte[MaxNameBytes];
        return AlowareCodes.DispositionFromText(Normalise(in reader, buffer));
    }

    public static DateTime? ReadTimestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // Unix seconds, as some relays send them.
            return reader.TryGetInt64(out var seconds) && seconds is > 0 and < 253402300800
                ? DateTime.UnixEpoch.AddSeconds(seconds)
                : null;
        }

        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > MaxScalarBytes)
        {
            return null;
        }

        Span<byte> raw = stackalloc byte[MaxScalarBytes];
        var bytes = Trim(Unescaped(in reader, raw));
        Span<char> chars = stackalloc char[MaxScalarBytes];
        if (!Encoding.UTF8.TryGetChars(bytes, chars, out var count))
        {
            return null;
        }

        const DateTimeStyles utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        var text = chars[..count];
        if (DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, utc, out var exact))
        {
            return exact;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, utc, out var general) ? general.UtcDateTime : null;
    }

    public static string ReadEventName(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return "(not a string)";
        }

        if (reader.ValueSpan.Length > MaxEventNameBytes)
        {
            return "(too long)";
        }

        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "(not valid UTF-8)";
        }
    }

    /// <summary>
    /// The string's bytes with escapes resolved; empty when they do not decode (a lone surrogate escape or invalid
    /// UTF-8), so one unreadable field reads as absent instead of failing the whole delivery.
    /// </summary>
    private static ReadOnlySpan<byte> Unescaped(in Utf8JsonReader reader, Span<byte> raw)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        try
        {
            return raw[..reader.CopyString(raw)];
        }
        catch (InvalidOperationException)
        {
            return [];
        }
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text) => text.Trim(" \t"u8);
}
