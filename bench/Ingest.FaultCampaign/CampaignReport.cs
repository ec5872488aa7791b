using System.Globalization;

namespace Ingest.FaultCampaign;

/// <summary>What a campaign run measured from outside the hosts, and whether the promise held.</summary>
public sealed record CampaignReport
{
    public required int Seed { get; init; }
    public required int Hosts { get; init; }
    public required TimeSpan Load { get; init; }
    public required IReadOnlyList<Fault> Faults { get; init; }
    public required int Offered { get; init; }
    public required int Acknowledged { get; init; }
    public required int Refused { get; init; }
    public required int Unanswered { get; init; }
    public required int HubSpotBatches { get; init; }
    public required int HubSpotAcknowledged { get; init; }

    /// <summary>HubSpot batches that needed more than one attempt (refused, or answered slower than HubSpot waits).</summary>
    public required int HubSpotRetried { get; init; }

    /// <summary>Acknowledged Aloware deliveries whose body went through the claim-check blob.</summary>
    public required int LargeAcknowledged { get; init; }

    /// <summary>Distinct HubSpot facts in FactEvent.</summary>
    public required int HubSpotLanded { get; init; }
    public required TimeSpan AnswerP50 { get; init; }
    public required TimeSpan AnswerP99 { get; init; }
    public required TimeSpan AnswerMax { get; init; }
    public required int AnswersOver10Seconds { get; init; }
    public required int ExpectedFacts { get; init; }
    public required int LandedDistinct { get; init; }
    public required int Missing { get; init; }
    public required int DuplicateRows { get; init; }
    public required int CommunicationsWithTwoKeys { get; init; }
    public required long CaptureLeft { get; init; }
    public required int PoisonLeft { get; init; }
    public required int ProbesLanded { get; init; }
    public required int Datasets { get; init; }

    /// <summary>Hosts that did not start again after a kill, with why.</summary>
    public required IReadOnlyList<string> RestartFailures { get; init; }

    /// <summary>From the end of the last fault until every acknowledged fact had landed; null when they never all did.</summary>
    public required TimeSpan? LandedAfterLastFault { get; init; }

    public static readonly TimeSpan LandWithin = TimeSpan.FromMinutes(5);

    public IEnumerable<string> Failures()
    {
        if (Missing > 0) yield return $"{Missing} acknowledged fact(s) missing";
        // Only a worker killed between its POST and its ledger complete may land a second copy (docs/contracts.md, I3).
        if (DuplicateRows > 0 && !Faults.Any(f => f.Kind is FaultKind.HostKilled or FaultKind.ColdStartTogether)) yield return $"{DuplicateRows} duplicate row(s) with no host killed";
        // A run that never exercised a path proves nothing about it.
        if (HubSpotAcknowledged == 0 || HubSpotLanded == 0) yield return "no HubSpot batch was acknowledged and landed";
        if (LargeAcknowledged == 0) yield return "no claim-check (large) delivery was acknowledged";
        foreach (var restart in RestartFailures) yield return $"a host did not restart: {restart}";
        if (CommunicationsWithTwoKeys > 0) yield return $"{CommunicationsWithTwoKeys} communication(s) with two EventKeys";
        if (CaptureLeft > 0) yield return $"{CaptureLeft} capture(s) left after the drain";
        if (PoisonLeft > 0) yield return $"{PoisonLeft} poisoned delivery(ies)";
        if (ProbesLanded < Hosts) yield return $"only {ProbesLanded} of {Hosts} probes landed (a stalled writer?)";
        if (Datasets != 1) yield return $"{Datasets} datasets, not one";
        if (LandedAfterLastFault is not { } landed || landed > LandWithin) yield return $"not everything landed within {LandWithin} of the last fault's end";
    }

    public bool Passed => !Failures().Any();

    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var faults = string.Join(", ", Faults.GroupBy(f => f.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} ×{g.Count()}"));
        return string.Join(Environment.NewLine,
            string.Create(c, $"seed {Seed}, {Hosts} hosts, load {Load.TotalMinutes:0.#} min, {Faults.Count} faults: {faults}"),
            string.Create(c, $"Aloware deliveries offered {Offered}, acknowledged {Acknowledged}, refused {Refused}, unanswered {Unanswered}"),
            string.Create(c, $"HubSpot batches {HubSpotBatches}, acknowledged {HubSpotAcknowledged}, needing a retry {HubSpotRetried}; HubSpot facts landed {HubSpotLanded}; large (claim-check) deliveries acknowledged {LargeAcknowledged}"),
            string.Create(c, $"answers p50 {AnswerP50.TotalMilliseconds:0} ms, p99 {AnswerP99.TotalMilliseconds:0} ms, max {AnswerMax.TotalMilliseconds:0} ms, {AnswersOver10Seconds} over 10 s"),
            string.Create(c, $"facts expected {ExpectedFacts}, landed {LandedDistinct}, missing {Missing}, duplicate rows {DuplicateRows}, communications with two EventKeys {CommunicationsWithTwoKeys}"),
            string.Create(c, $"capture left {CaptureLeft}, poison {PoisonLeft}, probes landed {ProbesLanded}/{Hosts}, datasets {Datasets}"),
            string.Create(c, $"everything acknowledged landed {(LandedAfterLastFault is { } t ? $"{t.TotalSeconds:0} s" : "never")} after the last fault ended"),
            Passed ? "PASSED" : "FAILED: " + string.Join("; ", Failures()));
    }
}
