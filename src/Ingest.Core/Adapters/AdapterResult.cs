namespace Ingest.Core.Adapters;

public enum AdapterVerdict
{
    /// <summary>At least one countable event.</summary>
    Countable,

    /// <summary>Well-formed but nothing to count (test payload, initiation, recording...): answered 200 at once.</summary>
    Ignored,

    /// <summary>Not JSON at all: the caller's fault, answered 400.</summary>
    Malformed,
}

/// <summary>
/// Something a source's event says may count, which only the source's API can settle (who owns it, is it
/// sent, is that stage closed): <see cref="IEventEnricher"/> turns candidates into countable events.
/// </summary>
/// <param name="Kind">The source's object kind, such as <c>email</c> or <c>ticket</c>.</param>
/// <param name="Value">What the event changed the object to (a ticket's new stage), if anything.</param>
public sealed record EnrichmentCandidate(string Source, string Kind, long ObjectId, string? Value, DateTime OccurredAtUtc);

/// <summary>The adapter's classification of one delivery. No I/O happened to produce it.</summary>
public sealed record AdapterResult(
    AdapterVerdict Verdict,
    IReadOnlyList<CountableEvent> Events,
    string? EventName,
    long? CommunicationId,
    string? Reason,
    bool Unrecognised = false)
{
    /// <summary>Events that count only once enriched; the pipeline hands them to the source's enricher.</summary>
    public IReadOnlyList<EnrichmentCandidate> Candidates { get; init; } = [];

    /// <summary>Countable, pending enrichment: answered once captured, processed by the redrive.</summary>
    public static AdapterResult ToEnrich(IReadOnlyList<EnrichmentCandidate> candidates, string? eventName)
        => new(AdapterVerdict.Countable, [], eventName, null, null) { Candidates = candidates };

    public static AdapterResult Countable(IReadOnlyList<CountableEvent> events, string? eventName, long? communicationId)
        => new(AdapterVerdict.Countable, events, eventName, communicationId, null);

    /// <param name="unrecognised">True when the body matched no known shape: logged as a warning, not information.</param>
    public static AdapterResult Ignored(string reason, string? eventName, long? communicationId, bool unrecognised = false)
        => new(AdapterVerdict.Ignored, [], eventName, communicationId, reason, unrecognised);

    public static AdapterResult Malformed(string reason)
        => new(AdapterVerdict.Malformed, [], null, null, reason);
}
