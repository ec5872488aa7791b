using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ingest.Core.Adapters.Aloware;

/// <summary>The shape of an Aloware delivery's top level.</summary>
internal enum PayloadShape
{
    /// <summary>Valid JSON that is not an object (an array, a string, a number).</summary>
    NotAnObject,

    /// <summary><c>{"event": "...", "body": {...}}</c> as Aloware posts it.</summary>
    Native,

    /// <summary>Title-Case fields at the top level, as the Zapier relay posts them.</summary>
    Flat,
}

/// <summary>
/// The fields the adapter needs, read in one forward pass with <see cref="Utf8JsonReader"/> so that a
/// delivery costs no more than parsing it. Accepts Aloware's snake_case and Zapier's Title Case alike
/// (names compare ignoring case, spaces and underscores); numbers may arrive as numbers or strings.
/// A field of the wrong type counts as missing.
/// </summary>
internal sealed class AlowareFields
{
    private const int MaxNameBytes = 32;
    private const int MaxScalarBytes = 64;
    private const int MaxEventNameBytes = 200;

    public PayloadShape Shape { get; private set; }
    public bool IsTestPayload { get; private set; }
    public string? EventName { get; private set; }
    public long? Id { get; private set; }
    public long? NestedCommunicationId { get; private set; }
    public long? Type { get; private set; }
    public long? Direction { get; private set; }
    public long? UserId { get; private set; }
    public long? OwnerId { get; private set; }
    public long? Disposition { get; private set; }
    public long? Disposition2 { get; private set; }
    public long? DurationSec { get; private set; }
    public long? TalkTimeSec { get; private set; }
    public DateTime? CreatedAtUtc { get; private set; }
    public int RecognisedFields { get; private set; }

    /// <exception cref="JsonException">The bytes are not one well-formed JSON value.</exception>
    public static AlowareFields Read(ReadOnlySpan<byte> json)
    {
        var fields = new AlowareFields();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read())
        {
            throw new JsonException("The body holds no JSON value.");
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            fields.Shape = PayloadShape.Flat;
            fields.ReadObject(ref reader, isRoot: true);
        }
        else
        {
            fields.Shape = PayloadShape.NotAnObject;
            reader.Skip();
        }

        if (reader.Read())
        {
            throw new JsonException("The body holds more than one JSON value.");
        }

        return fields;
    }

    private enum Name
    {
        Other, Body, Communication, TestPayload, Event, Id, Type, Direction, UserId, OwnerId,
        Disposition, Disposition2, CreatedAt, Duration, TalkTime,
    }

    private void ReadObject(ref Utf8JsonReader reader, bool isRoot)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = MatchName(ref reader);
            reader.Read();
            switch (name)
            {
                case Name.Body when isRoot && reader.TokenType == JsonTokenType.StartObject:
                    Shape = PayloadShape.Native;
                    ReadObject(ref reader, isRoot: false);
                    break;
                case Name.Communication when reader.TokenType == JsonTokenType.StartObject:
                    NestedCommunicationId ??= ReadNestedId(ref reader);
                    break;
                case Name.TestPayload when isRoot:
                    IsTestPayload = reader.TokenType == JsonTokenType.True;
                    break;
                case Name.Event when isRoot:
                    EventName = ReadEventName(ref reader);
                    break;
                case Name.Other or Name.Body or Name.Communication or Name.TestPayload or Name.Event:
                    reader.Skip();
                    break;
                default:
                    Capture(name, ref reader, overwrite: !isRoot);
                    break;
            }
        }
    }

    private void Capture(Name name, ref Utf8JsonReader reader, bool overwrite)
    {
        // Body fields win over top-level ones; the top level only fills what the body left empty.
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        switch (name)
        {
            case Name.Id: Id = Pick(Id, ReadInteger(ref reader), overwrite); break;
            case Name.Type: Type = Pick(Type, ReadInteger(ref reader), overwrite); break;
            case Name.Direction: Direction = Pick(Direction, ReadInteger(ref reader), overwrite); break;
            case Name.UserId: UserId = Pick(UserId, ReadInteger(ref reader), overwrite); break;
            case Name.OwnerId: OwnerId = Pick(OwnerId, ReadInteger(ref reader), overwrite); break;
            case Name.Disposition: Disposition = Pick(Disposition, ReadDisposition(ref reader), overwrite); break;
            case Name.Disposition2: Disposition2 = Pick(Disposition2, ReadDisposition(ref reader), overwrite); break;
            case Name.Duration: DurationSec = Pick(DurationSec, ReadInteger(ref reader), overwrite); break;
            case Name.TalkTime: TalkTimeSec = Pick(TalkTimeSec, ReadInteger(ref reader), overwrite); break;
            case Name.CreatedAt: CreatedAtUtc = Pick(CreatedAtUtc, ReadTimestamp(ref reader), overwrite); break;
        }
    }

    private T? Pick<T>(T? current, T? read, bool overwrite) where T : struct
    {
        if (read is null)
        {
            return current;
        }

        RecognisedFields++;
        return overwrite || current is null ? read : current;
    }

    private static long? ReadNestedId(ref Utf8JsonReader reader)
    {
        long? id = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && MatchName(ref reader) == Name.Id)
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
                else
                {
                    id ??= ReadInteger(ref reader);
                }
            }
        }

        return id;
    }

    private static Name MatchName(ref Utf8JsonReader reader)
    {
        Span<byte> buffer = stackalloc byte[MaxNameBytes];
        var name = Normalise(in reader, buffer);
        return name switch
        {
            _ when name.SequenceEqual("body"u8) => Name.Body,
            _ when name.SequenceEqual("communication"u8) => Name.Communication,
            _ when name.SequenceEqual("testpayload"u8) => Name.TestPayload,
            _ when name.SequenceEqual("event"u8) => Name.Event,
            _ when name.SequenceEqual("id"u8) => Name.Id,
            _ when name.SequenceEqual("type"u8) => Name.Type,
            _ when name.SequenceEqual("direction"u8) => Name.Direction,
            _ when name.SequenceEqual("userid"u8) => Name.UserId,
            _ when name.SequenceEqual("ownerid"u8) => Name.OwnerId,
            _ when name.SequenceEqual("dispositionstatus"u8) => Name.Disposition,
            _ when name.SequenceEqual("dispositionstatus2"u8) => Name.Disposition2,
            _ when name.SequenceEqual("createdat"u8) => Name.CreatedAt,
            _ when name.SequenceEqual("duration"u8) => Name.Duration,
            _ when name.SequenceEqual("talktime"u8) => Name.TalkTime,
            _ => Name.Other,
        };
    }

    /// <summary>Lower-cases ASCII and drops spaces, underscores and hyphens; empty when too long to be a name we know.</summary>
    private static ReadOnlySpan<byte> Normalise(in Utf8JsonReader reader, Span<byte> buffer)
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

    private static long? ReadInteger(ref Utf8JsonReader reader)
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

    private static long? ReadDisposition(ref Utf8JsonReader reader)
    {
        var code = ReadInteger(ref reader);
        if (code is not null || reader.TokenType != JsonTokenType.String)
        {
            return code;
        }

        Span<byte> buffer = stackalloc byte[MaxNameBytes];
        return AlowareCodes.DispositionFromText(Normalise(in reader, buffer));
    }

    private static DateTime? ReadTimestamp(ref Utf8JsonReader reader)
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

    private static string ReadEventName(ref Utf8JsonReader reader)
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
