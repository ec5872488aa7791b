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

/// <summary>The adapter's classification of one delivery. No I/O happened to produce it.</summary>
public sealed record AdapterResult(
    AdapterVerdict Verdict,
    IReadOnlyList<CountableEvent> Events,
    string? EventName,
    long? CommunicationId,
    string? Reason,
    bool Unrecognised = false)
{
    public static AdapterResult Countable(IReadOnlyList<CountableEvent> events, string? eventName, long? communicationId)
        => new(AdapterVerdict.Countable, events, eventName, communicationId, null);

    /// <param name="unrecognised">True when the body matched no known shape: logged as a warning, not information.</param>
    public static AdapterResult Ignored(string reason, string? eventName, long? communicationId, bool unrecognised = false)
        => new(AdapterVerdict.Ignored, [], eventName, communicationId, reason, unrecognised);

    public static AdapterResult Malformed(string reason)
        => new(AdapterVerdict.Malformed, [], null, null, reason);
}
