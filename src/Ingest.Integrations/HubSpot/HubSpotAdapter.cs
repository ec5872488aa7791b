using System.Globalization;
using System.Text.Json;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;

namespace Ingest.Integrations.HubSpot;

/// <summary>
/// Classifies a HubSpot webhook batch (a JSON array of up to 100 events carrying ids only) without I/O: an
/// email created (generic <c>object.creation</c>, type <c>0-49</c>) and a ticket's pipeline stage changed
/// (<c>ticket.propertyChange</c>, or <c>object.propertyChange</c> on type <c>0-5</c>, of <c>hs_pipeline_stage</c>)
/// are candidates for EMAILS and CASES, in <c>occurredAt</c> order; the enricher settles them. Both
/// <c>subscriptionType</c> and <c>eventType</c> are read. Everything else is ignored, never refused.
/// </summary>
/// <param name="countEmails">False when Aloware counts EMAILS (<c>Metrics__EmailsSource</c>).</param>
public sealed class HubSpotAdapter(bool countEmails = true) : IIngestAdapter
{
    public const string SourceName = "hubspot";
    public const string EmailKind = "email";

    /// <summary>Whether this adapter counts EMAILS; reconciliation follows the same choice.</summary>
    public bool CountsEmails => countEmails;

    public const string TicketKind = "ticket";

    private const string EmailType = "0-49";
    private const string TicketType = "0-5";
    private const string StageProperty = "hs_pipeline_stage";

    public string Source => SourceName;

    public AdapterResult Adapt(IngestEnvelope envelope)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(envelope.Body);
        }
        catch (JsonException)
        {
            return AdapterResult.Malformed("The body is not well-formed JSON.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return AdapterResult.Ignored("the body is JSON but not HubSpot's array of events", null, null, unrecognised: true);
            }

            var events = document.RootElement.EnumerateArray().ToArray();
            var candidates = events.Select(ReadableCandidate).OfType<EnrichmentCandidate>().OrderBy(c => c.OccurredAtUtc).ToArray();
            var name = $"hubspot batch of {events.Length}";
            return candidates.Length > 0
                ? AdapterResult.ToEnrich(candidates, name)
                : AdapterResult.Ignored($"none of {events.Length} event(s) is an email created{(countEmails ? "" : " (EMAILS come from Aloware)")} or a ticket stage change", name, null);
        }
    }

    /// <summary>An event whose names or values do not decode (a lone surrogate escape, invalid UTF-8) is skipped, not the batch.</summary>
    private EnrichmentCandidate? ReadableCandidate(JsonElement e)
    {
        try
        {
            return Candidate(e);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private EnrichmentCandidate? Candidate(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || Long(e, "objectId") is not { } objectId || Long(e, "occurredAt") is not { } occurredAt)
        {
            return null;
        }

        var type = Text(e, "subscriptionType") ?? Text(e, "eventType");
        var objectType = Text(e, "objectTypeId");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(occurredAt, 0, 253402300799999)).UtcDateTime;
        if (countEmails && type == "object.creation" && objectType == EmailType)
        {
            return new EnrichmentCandidate(SourceName, EmailKind, objectId, null, at);
        }

        var isTicketChange = type == "ticket.propertyChange" || (type == "object.propertyChange" && objectType == TicketType);
        if (isTicketChange && Text(e, "propertyName") == StageProperty && Text(e, "propertyValue") is { Length: > 0 } stage)
        {
            return new EnrichmentCandidate(SourceName, TicketKind, objectId, stage, at);
        }

        return null;
    }

    private static string? Text(JsonElement e, string name)
        => e.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static long? Long(JsonElement e, string name)
        => long.TryParse(Text(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
