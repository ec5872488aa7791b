using System.Text.Json;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;

namespace Ingest.Integrations.Aloware;

/// <summary>
/// Classifies Aloware deliveries on the body's type and direction (the event name is only a hint,
/// because relays mislabel events) and maps what is countable: a call whose disposition is final,
/// an SMS, an email. Everything else is ignored with a reason.
/// </summary>
/// <param name="countEmails">False when HubSpot counts EMAILS (<c>Metrics__EmailsSource</c>), so one email never counts twice.</param>
public sealed class AlowareAdapter(bool countEmails = true) : IIngestAdapter
{
    public const string SourceName = "aloware";

    public string Source => SourceName;

    /// <summary>Whether this adapter counts EMAILS; the export backfill follows the same choice.</summary>
    public bool CountsEmails => countEmails;

    public AdapterResult Adapt(IngestEnvelope envelope)
    {
        AlowareFields fields;
        try
        {
            fields = AlowareFields.Read(envelope.Body.Span);
        }
        catch (JsonException)
        {
            return AdapterResult.Malformed("The body is not well-formed JSON.");
        }

        return Classify(fields, envelope.ReceivedAtUtc.UtcDateTime);
    }

    private AdapterResult Classify(AlowareFields fields, DateTime receivedAtUtc)
    {
        var name = fields.EventName;
        var id = fields.Id ?? fields.NestedCommunicationId;
        if (fields.Shape == PayloadShape.NotAnObject)
        {
            return AdapterResult.Ignored("the body is JSON but not an object", name, id, unrecognised: true);
        }

        if (fields.IsTestPayload)
        {
            return AdapterResult.Ignored("Aloware's Save & Test payload", name, id);
        }

        // The name is only a hint, read after the body: a relay may label a real disposition "Recording-Saved".
        var hint = EventNameHint.From(name);

        if (fields.RecognisedFields == 0)
        {
            return CountedElsewhere(hint.Kind) is { } elsewhere
                ? AdapterResult.Ignored(elsewhere, name, id)
                : AdapterResult.Ignored("the body has no field of an Aloware communication", name, id, unrecognised: true);
        }

        var type = fields.Type ?? hint.Type;
        var disposition = FirstUsable(fields.Disposition, fields.Disposition2);
        MetricId metric;
        switch (type)
        {
            case AlowareCodes.TypeCall:
                if (!IsFinalCall(disposition, hint.Kind))
                {
                    return AdapterResult.Ignored(CountedElsewhere(hint.Kind) ?? "a call that has not ended yet (initiation or in progress)", name, id);
                }

                metric = MetricId.CALLS;
                break;
            case AlowareCodes.TypeSms or AlowareCodes.TypeEmail:
                if (disposition == AlowareCodes.DispositionInProgress)
                {
                    return AdapterResult.Ignored("a message still in progress", name, id);
                }

                if (type == AlowareCodes.TypeEmail && !countEmails)
                {
                    return AdapterResult.Ignored("an email: EMAILS are counted from HubSpot (Metrics__EmailsSource)", name, id);
                }

                metric = type == AlowareCodes.TypeSms ? MetricId.TEXTS : MetricId.EMAILS;
                break;
            case null:
                return CountedElsewhere(hint.Kind) is { } elsewhere
                    ? AdapterResult.Ignored(elsewhere, name, id)
                    : AdapterResult.Ignored("no communication type in the body or the event name", name, id, unrecognised: true);
            default:
                return AdapterResult.Ignored($"communication type {type} is not counted", name, id);
        }

        if (fields.Id is not { } communicationId || communicationId <= 0)
        {
            return CountedElsewhere(hint.Kind) is { } reason
                ? AdapterResult.Ignored(reason, name, id)
                : AdapterResult.Ignored("no communication id", name, id, unrecognised: true);
        }

        var agent = fields.UserId is > 0 ? fields.UserId : fields.OwnerId is > 0 ? fields.OwnerId : null;
        if (agent is null)
        {
            return AdapterResult.Ignored("no agent: neither user_id nor owner_id names a user", name, id);
        }

        var countable = new CountableEvent(
            SourceName,
            metric,
            communicationId,
            agent.Value,
            AlowareCodes.DirectionName(fields.Direction ?? hint.Direction),
            AlowareCodes.DispositionName(disposition),
            fields.CreatedAtUtc ?? receivedAtUtc,
            NonNegative(fields.DurationSec),
            NonNegative(fields.TalkTimeSec));
        return AdapterResult.Countable([countable], name, communicationId);
    }

    /// <summary>Why a recording or transcription event without a countable body is no loss: its call counts on its disposition.</summary>
    private static string? CountedElsewhere(EventKind hint) => hint switch
    {
        EventKind.Recording => "a recording event: the call is counted on its disposition",
        EventKind.Transcription => "a transcription event: the call is counted on its disposition",
        _ => null,
    };

    /// <summary>A call counts once it ended: a known final disposition, or a disposition event when the body gives none.</summary>
    private static bool IsFinalCall(long? disposition, EventKind hint) => disposition switch
    {
        null => hint == EventKind.Disposition,
        AlowareCodes.DispositionInProgress => false,
        { } code when AlowareCodes.IsAppointmentState(code) => false,
        _ => true,
    };

    private static long? FirstUsable(long? first, long? second) => first is > 0 ? first : second is > 0 ? second : null;

    private static long? NonNegative(long? seconds) => seconds is >= 0 ? seconds : null;
}
