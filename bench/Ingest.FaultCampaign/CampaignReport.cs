using System.Globalization;

namespace Ingest.FaultCampaign;

/// <summary>What a campaign run measured from outside the hosts, and whether the promise held.</summary>
public sealed record CampaignReport
{
    public required int Seed { get; init; }
    public required int Hosts { get; init; }
    public required TimeSpan Load { get; init; }
    public CampaignBreak Break { get; init; } = CampaignBreak.None;
    public required IReadOnlyList<Fault> Faults { get; init; }
    public required int Offered { get; init; }
    public required int Acknowledged { get; init; }
    public required int Refused { get; init; }
    public required int Unanswered { get; init; }

    /// <summary>Unanswered deliveries the front door dropped because their host was killed while it held them.</summary>
    public required int UnansweredAtKills { get; init; }

    /// <summary>Host processes killed (an all-at-once cold start kills each).</summary>
    public required int HostKills { get; init; }

    /// <summary>Requests (Aloware and HubSpot) the front door dropped at each kill, in order.</summary>
    public required IReadOnlyList<int> DroppedPerKill { get; init; }
    public required int HubSpotBatches { get; init; }
    public required int HubSpotAcknowledged { get; init; }

    /// <summary>HubSpot batches that needed more than one attempt (refused, or answered slower than HubSpot waits).</summary>
    public required int HubSpotRetried { get; init; }

    /// <summary>Acknowledged Aloware deliveries whose body went through the claim-check blob.</summary>
    public required int LargeAcknowledged { get; init; }

    /// <summary>Distinct HubSpot facts in FactEvent.</summary>
    public required int HubSpotLanded { get; init; }

    /// <summary>Percentiles of the hosts' answers to Aloware (the front door's wait for a live host left out).</summary>
    public required TimeSpan AnswerP50 { get; init; }
    public required TimeSpan AnswerP99 { get; init; }
    public required TimeSpan AnswerMax { get; init; }
    public required int AnswersOver10Seconds { get; init; }

    /// <summary>The product's bound on an answer that rule (a) holds the hosts to.</summary>
    public required TimeSpan AnswerBound { get; init; }
    public required int ExpectedFacts { get; init; }
    public required int LandedDistinct { get; init; }
    public required int Missing { get; init; }
    public required int DuplicateRows { get; init; }

    /// <summary>Duplicated EventKeys that no kill explains (rule (c)).</summary>
    public required IReadOnlyList<string> UnexplainedDuplicateKeys { get; init; }
    public required int CommunicationsWithTwoKeys { get; init; }
    public required long CaptureLeft { get; init; }
    public required int PoisonLeft { get; init; }
    public required int ProbesLanded { get; init; }
    public required int Datasets { get; init; }

    /// <summary>Hosts that did not start again after a kill, with why.</summary>
    public required IReadOnlyList<string> RestartFailures { get; init; }

    /// <summary>Processes (hosts, the emulator) that ended without the campaign killing them: a crash, or a signal from outside.</summary>
    public IReadOnlyList<string> UnexpectedExits { get; init; } = [];

    /// <summary>What rules (a) and (b) found (<see cref="Verdicts"/>).</summary>
    public required IReadOnlyList<string> RuleFailures { get; init; }

    /// <summary>From the end of the last fault until every acknowledged fact had landed; null when they never all did.</summary>
    public required TimeSpan? LandedAfterLastFault { get; init; }

    public static readonly TimeSpan LandWithin = TimeSpan.FromMinutes(5);

    /// <summary>Unanswered deliveries per host killed: what each kill cost the sender.</summary>
    public double UnansweredPerKill => HostKills == 0 ? 0 : (double)UnansweredAtKills / HostKills;

    public IEnumerable<string> Failures()
    {
        if (Missing > 0) yield return $"{Missing} acknowledged fact(s) missing";
        foreach (var rule in RuleFailures) yield return rule;
        // Only a worker killed between its POST and its ledger complete may land a second copy (docs/contracts.md, I3).
        if (UnexplainedDuplicateKeys.Count > 0) yield return $"{UnexplainedDuplicateKeys.Count} duplicated fact(s) no kill explains: {string.Join(", ", UnexplainedDuplicateKeys.Take(5))}";
        // A run that never exercised a path proves nothing about it.
        if (HubSpotAcknowledged == 0 || HubSpotLanded == 0) yield return "no HubSpot batch was acknowledged and landed";
        if (LargeAcknowledged == 0) yield return "no claim-check (large) delivery was acknowledged";
        foreach (var restart in RestartFailures) yield return $"a host did not restart: {restart}";
        foreach (var exit in UnexpectedExits) yield return $"not killed by the campaign: {exit}";
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
            string.Create(c, $"seed {Seed}, {Hosts} hosts, load {Load.TotalMinutes:0.#} min, break {Break}, {Faults.Count} faults: {faults}"),
            string.Create(c, $"Aloware deliveries offered {Offered}, acknowledged {Acknowledged}, refused {Refused}, unanswered {Unanswered} ({UnansweredAtKills} dropped at kills)"),
            string.Create(c, $"host processes killed {HostKills}: {UnansweredPerKill:0.0} unanswered Aloware deliveries a kill; requests dropped at each kill [{string.Join(" ", DroppedPerKill)}]"),
            string.Create(c, $"HubSpot batches {HubSpotBatches}, acknowledged {HubSpotAcknowledged}, needing a retry {HubSpotRetried}; HubSpot facts landed {HubSpotLanded}; large (claim-check) deliveries acknowledged {LargeAcknowledged}"),
            string.Create(c, $"answers p50 {AnswerP50.TotalMilliseconds:0} ms, p99 {AnswerP99.TotalMilliseconds:0} ms, max {AnswerMax.TotalMilliseconds:0} ms, {AnswersOver10Seconds} over 10 s; bound {AnswerBound.TotalSeconds:0} s"),
            string.Create(c, $"facts expected {ExpectedFacts}, landed {LandedDistinct}, missing {Missing}, duplicate rows {DuplicateRows} ({UnexplainedDuplicateKeys.Count} fact(s) no kill explains), communications with two EventKeys {CommunicationsWithTwoKeys}"),
            string.Create(c, $"capture left {CaptureLeft}, poison {PoisonLeft}, probes landed {ProbesLanded}/{Hosts}, datasets {Datasets}"),
            string.Create(c, $"everything acknowledged landed {(LandedAfterLastFault is { } t ? $"{t.TotalSeconds:0} s" : "never")} after the last fault ended"),
            Passed ? "PASSED" : "FAILED: " + string.Join("; ", Failures()));
    }
}
