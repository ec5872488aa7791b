using Ingest.Core.Capture;
using Ingest.FaultCampaign;
using Ingest.Functions.Configuration;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>The fault campaign's verdict rules (bench/Ingest.FaultCampaign/Verdicts.cs) on constructed runs, one rule broken at a time.</summary>
public sealed class CampaignVerdictTests
{
    private static readonly TimeSpan Bound = ProductBounds.Answer(new Dictionary<string, string>());

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static SentRequest Answered(double sent, double took, int status = 200, double held = 0, string? key = null)
        => new(key is null ? [] : [key], S(sent), S(sent + took), status, S(held), DroppedAtKill: false);

    [Fact]
    public void TheAnswerBoundIsBothDeadlinesOfTheOptionsPlusTheSlack()
    {
        Assert.Equal(new CaptureOptions().Deadline + new WebhookOptions().ProcessingDeadline + ProductBounds.OutsideTheDeadlines, Bound);
        Assert.Equal(S(95), Bound); // the figure docs/benchmarks.md names
        Assert.Equal(S(20 + 40 + 5), ProductBounds.Answer(new Dictionary<string, string> { ["Capture__Deadline"] = "00:00:20", ["Webhook__ProcessingDeadline"] = "00:00:40" }));
    }

    [Fact]
    public void TheCompleteWindowCoversTheRetriesOfTheLedgerComplete()
    {
        // The campaign's hosts: 3 s a DynamoDB call, one SDK retry; pauses of 0.2, 1 and 3 s between four attempts.
        var window = ProductBounds.Complete(new Dictionary<string, string> { ["DynamoDb__RequestTimeout"] = "00:00:03", ["DynamoDb__MaxErrorRetry"] = "1" });

        Assert.Equal(S(4.2 + 4 * 2 * 3), window);
    }

    [Fact]
    public void AnAnswerSlowerThanTheBoundFailsTheRun()
    {
        Assert.Empty(Verdicts.SlowAnswers([Answered(0, 1), Answered(5, Bound.TotalSeconds - 1, status: 202)], Bound));

        var failures = Verdicts.SlowAnswers([Answered(0, 1), Answered(5, Bound.TotalSeconds + 1, status: 202)], Bound).ToList();

        Assert.Equal("1 answer(s) slower than the bound of 95 s (slowest 96.0 s)", Assert.Single(failures));
    }

    [Fact]
    public void TheFrontDoorsWaitForALiveHostIsNotTheHostsTime()
    {
        Assert.Empty(Verdicts.SlowAnswers([Answered(0, Bound.TotalSeconds + 10, held: 20)], Bound));
    }

    [Fact]
    public void AnUnansweredDeliveryFailsTheRunUnlessAKillDroppedIt()
    {
        SentRequest Unanswered(bool dropped) => new([], S(1), S(3), 0, TimeSpan.Zero, dropped);

        Assert.Empty(Verdicts.SlowAnswers([Unanswered(dropped: true)], Bound));
        Assert.Equal("1 deliver(ies) unanswered with no host killed under them", Assert.Single(Verdicts.SlowAnswers([Unanswered(dropped: false)], Bound)));
    }

    [Fact]
    public void A503WhileTheCaptureStoreWasUpFailsTheRun()
    {
        Window[] queueCut = [new(S(100), S(110))];

        Assert.Empty(Verdicts.RefusedWhileCaptureUp([Answered(95, 30, status: 503), Answered(200, 1)], queueCut));
        Assert.Equal(
            "1 deliver(ies) refused with 503 while the capture store was up",
            Assert.Single(Verdicts.RefusedWhileCaptureUp([Answered(95, 30, status: 503), Answered(150, 30, status: 503)], queueCut)));
    }

    [Fact]
    public void A503WhileTheFrontDoorHeldTheRequestIsNotExplainedByAnEarlierCut()
    {
        // Sent during the cut but held until 20 s later: at the host the store was already up again.
        Window[] queueCut = [new(S(100), S(110))];

        Assert.Single(Verdicts.RefusedWhileCaptureUp([Answered(105, 50, status: 503, held: 15)], queueCut));
    }

    [Fact]
    public void ADuplicateWhoseDeliveryWasInFlightAtAKillIsExplained()
    {
        var dropped = new SentRequest(["k"], S(10), S(12), 0, TimeSpan.Zero, DroppedAtKill: true);

        var unexplained = Verdicts.UnexplainedDuplicates(Copies(("k", 2)), [dropped], [S(11)], new Dictionary<string, TimeSpan> { ["k"] = S(11) }, S(28), S(300));

        Assert.Empty(unexplained);
    }

    [Fact]
    public void ADuplicateWithNoKillWhileItsDeliveriesWereInFlightFailsTheRun()
    {
        // Both answered 200 (completed before the answer); the kills came before the first and after the second.
        SentRequest[] requests = [Answered(10, 1, key: "k"), Answered(17, 1, key: "k"), Answered(12, 1, key: "other")];

        var unexplained = Verdicts.UnexplainedDuplicates(Copies(("k", 2), ("other", 1)), requests, [S(5), S(50)], new Dictionary<string, TimeSpan> { ["k"] = S(15) }, S(28), S(300));

        Assert.Equal(["k"], unexplained);
    }

    [Fact]
    public void WorkBehindA202IsInFlightUntilItsFirstCopyCouldHaveCompleted()
    {
        // Answered deferred at 11 s, first seen in FactEvent at 40 s: a kill up to 40 + 28 s may have caught its complete.
        SentRequest[] requests = [Answered(10, 1, status: 202, key: "k")];
        var firstSeen = new Dictionary<string, TimeSpan> { ["k"] = S(40) };

        Assert.Empty(Verdicts.UnexplainedDuplicates(Copies(("k", 2)), requests, [S(60)], firstSeen, S(28), S(300)));
        Assert.Equal(["k"], Verdicts.UnexplainedDuplicates(Copies(("k", 2)), requests, [S(80)], firstSeen, S(28), S(300)));
    }

    private static Dictionary<string, int> Copies(params (string Key, int Count)[] copies) => copies.ToDictionary(c => c.Key, c => c.Count);
}
