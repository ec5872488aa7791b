using System.Text.Json;

namespace Ingest.Integrations.Aloware;

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
                    EventName = AlowareValues.ReadEventName(ref reader);
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
            case Name.Id: Id = Pick(Id, AlowareValues.ReadInteger(ref reader), overwrite); break;
            case Name.Type: Type = Pick(Type, AlowareValues.ReadInteger(ref reader), overwrite); break;
            case Name.Direction: Direction = Pick(Direction, AlowareValues.ReadInteger(ref reader), overwrite); break;
            case Name.UserId: UserId = Pick(UserId, AlowareValues.ReadInteger(ref reader), overwrite); break;
            case Name.OwnerId: OwnerId = Pick(OwnerId, AlowareValues.ReadInteger(ref reader), overwrite); break;
            case Name.Disposition: Disposition = Pick(Disposition, AlowareValues.ReadDisposition(ref reader), overwrite); break;
            case Name.Disposition2: Disposition2 = Pick(Disposition2, AlowareValues.ReadDisposition(ref reader), overwrite); break;
            case Name.Duration: DurationSec = Pick(DurationSec, AlowareValues.ReadInteger(ref reader), overwrite); break;
            case Name.TalkTime: TalkTimeSec = Pick(TalkTimeSec, AlowareValues.ReadInteger(ref reader), overwrite); break;
            case Name.CreatedAt: CreatedAtUtc = Pick(CreatedAtUtc, AlowareValues.ReadTimestamp(ref reader), overwrite); break;
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
                    id ??= AlowareValues.ReadInteger(ref reader);
                }
            }
        }

        return id;
    }

    private static Name MatchName(ref Utf8JsonReader reader)
    {
        Span<byte> buffer = stackalloc byte[AlowareValues.MaxNameBytes];
        var name = AlowareValues.Normalise(in reader, buffer);
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

}
