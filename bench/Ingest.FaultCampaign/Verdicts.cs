namespace Ingest.FaultCampaign;

/// <summary>
/// One request as its sender saw it, on the campaign's clock: an Aloware delivery (at most one fact) or one attempt of a
/// HubSpot batch. <paramref name="Held"/> is how long the front door held it while no host was live; <paramref name="Status"/>
/// is 0 when no answer came, and <paramref name="DroppedAtKill"/> says the front door dropped it because its host was killed.
/// </summary>
public sealed record SentRequest(IReadOnlyList<string> Keys, TimeSpan Sent, TimeSpan Ended, int Status, TimeSpan Held, bool DroppedAtKill)
{
    /// <summary>How long the hosts took to answer, without the front door's wait for a live host.</summary>
    public TimeSpan HostTook => Ended - Sent - Held;
}

/// <summary>A stretch of the run, on the campaign's clock.</summary>
public sealed record Window(TimeSpan From, TimeSpan To)
{
    public bool Overlaps(TimeSpan from, TimeSpan to) => From <= to && from <= To;
}

/// <summary>
/// The rules a run is judged by besides its data checks, each a pure function of what was recorded, so each can be shown
/// failing on constructed data: (a) no answer slower than the product's bound, (b) no 503 while the capture store was up,
/// (c) no duplicate row that no host kill explains.
/// </summary>
public static class Verdicts
{
    /// <summary>(a) Answers slower than <paramref name="bound"/>, and requests left unanswered that no kill dropped.</summary>
    public static IEnumerable<string> SlowAnswers(IReadOnlyCollection<SentRequest> aloware, TimeSpan bound)
    {
        var slow = aloware.Where(r => r.Status != 0 && r.HostTook > bound).ToList();
        if (slow.Count > 0)
        {
            yield return $"{slow.Count} answer(s) slower than the bound of {bound.TotalSeconds:0} s (slowest {slow.Max(r => r.HostTook).TotalSeconds:0.0} s)";
        }

        var lost = aloware.Count(r => r.Status == 0 && !r.DroppedAtKill);
        if (lost > 0)
        {
            yield return $"{lost} deliver(ies) unanswered with no host killed under them";
        }
    }

    /// <summary>(b) Deliveries refused with 503 while no capture-store fault covered any of their time at a host.</summary>
    public static IEnumerable<string> RefusedWhileCaptureUp(IReadOnlyCollection<SentRequest> aloware, IReadOnlyCollection<Window> captureDown)
    {
        var refused = aloware.Count(r => r.Status == 503 && !captureDown.Any(w => w.Overlaps(r.Sent + r.Held, r.Ended)));
        if (refused > 0)
        {
            yield return $"{refused} deliver(ies) refused with 503 while the capture store was up";
        }
    }

    /// <summary>
    /// (c) Duplicated EventKeys that no kill explains. A key is explained when a host was killed while a request carrying
    /// it was in flight: from its sending until its answer when that answer was 200 (the facts completed before it), else
    /// until the key was first seen in FactEvent plus <paramref name="completeWindow"/> (the work went on behind the answer,
    /// or in the redrive, and a copy lands twice only when its worker dies between the POST and the ledger complete).
    /// </summary>
    public static IReadOnlyList<string> UnexplainedDuplicates(
        IReadOnlyDictionary<string, int> copies, IReadOnlyCollection<SentRequest> requests, IReadOnlyCollection<TimeSpan> kills,
        IReadOnlyDictionary<string, TimeSpan> firstSeen, TimeSpan completeWindow, TimeSpan runEnd)
    {
        var carrying = requests.SelectMany(r => r.Keys.Select(k => (Key: k, Request: r))).ToLookup(p => p.Key, p => p.Request);
        return copies.Where(c => c.Value > 1)
            .Select(c => c.Key)
            .Where(key => !carrying[key].Any(r => kills.Any(kill => r.Sent <= kill && kill <= InFlightUntil(r, key))))
            .Order(StringComparer.Ordinal)
            .ToList();

        TimeSpan InFlightUntil(SentRequest request, string key)
            => request.Status == 200 ? request.Ended : firstSeen.TryGetValue(key, out var seen) ? seen + completeWindow : runEnd;
    }
}
