using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Ingest.Core.Time;
using Ingest.Testing;

namespace Ingest.Core.Tests.Pipeline;

public class IngestPipelineTests
{
    private readonly PipelineHarness _h = new();

    [Fact]
    public async Task SixDeliveriesOfOneCompletedCallYieldOneCallsFact()
    {
        await _h.SeedRosterAsync(101);
        var outcomes = new List<IngestOutcome>();
        foreach (var sample in new[] { "call-1-initiation.json", "call-2-disposition-completed.json", "call-3-recording-saved.json", "call-4-call-disposed.json", "call-5-transcription-summarized.json", "call-6-transcription-saved.json" })
        {
            outcomes.Add(await _h.DeliverAsync(Samples.Read(sample)));
        }

        var fact = Assert.Single(_h.Facts);
        Assert.Equal("aloware#CALLS#88001234", fact.EventKey);
        Assert.Equal(101, fact.AgentID);
        Assert.Equal(20261126, fact.DateKey);
        Assert.Equal("CALLS-202611", fact.MetricMonthKey);
        Assert.Equal(1, outcomes.Sum(o => o.Facts));
        Assert.Equal(2, outcomes.Sum(o => o.Duplicates)); // Call-Disposed, and the recording event that carries the final disposition
        Assert.Equal(3, outcomes.Sum(o => o.Ignored));
        Assert.Equal(1, _h.Meters.Sum("ingest.facts.posted"));
        Assert.Equal(2, _h.Meters.Sum("ingest.duplicates"));
    }

    [Fact]
    public async Task DatesTheFactInTheBusinessTimeZone()
    {
        await _h.SeedRosterAsync(9);

        await _h.DeliverAsync("""{"event":"InboundSMS-DispositionCompleted","body":{"id":1,"type":2,"user_id":9,"created_at":"2026-12-01 03:30:00"}}""");

        var fact = Assert.Single(_h.Facts);
        Assert.Equal(20261130, fact.DateKey); // 22:30 EST on 30 November
        Assert.Equal("TEXTS-202611", fact.MetricMonthKey);
    }

    [Fact]
    public async Task AssignsTheShiftFromTheStoredRules()
    {
        await _h.SeedRosterAsync(9);
        await _h.Shifts.ReplaceAsync([new ShiftRule("DAY", "Day", new TimeOnly(8, 0), new TimeOnly(16, 0), new HashSet<DayOfWeek> { DayOfWeek.Thursday }, 1)], CancellationToken.None);

        await _h.DeliverAsync("""{"event":"x","body":{"id":1,"type":2,"user_id":9,"created_at":"2026-11-26 14:00:00"}}""");

        Assert.Equal("DAY", Assert.Single(_h.Facts).ShiftID); // 09:00 EST on a Thursday
    }

    [Fact]
    public async Task PushesEachDimDateRowOnce()
    {
        await _h.SeedRosterAsync(9);

        await _h.DeliverAsync("""{"event":"x","body":{"id":1,"type":2,"user_id":9,"created_at":"2026-11-26 14:00:00"}}""");
        await _h.DeliverAsync("""{"event":"x","body":{"id":2,"type":2,"user_id":9,"created_at":"2026-11-26 15:00:00"}}""");
        await _h.DeliverAsync("""{"event":"x","body":{"id":3,"type":2,"user_id":9,"created_at":"2026-11-27 15:00:00"}}""");

        var dates = _h.Posted.Where(p => p.Table == TableNames.DimDate).Select(p => ((DimDate)p.Row).DateKey).ToArray();
        Assert.Equal([20261126, 20261127], dates);
    }

    [Fact]
    public async Task GatesAndQuarantinesAgentsNotOnTheRoster()
    {
        await _h.SeedRosterAsync(101);

        var outcome = await _h.DeliverAsync("""{"event":"x","body":{"id":5,"type":2,"user_id":999}}""");

        Assert.Equal(1, outcome.Gated);
        Assert.Equal(0, outcome.Facts);
        Assert.Empty(_h.Facts);
        Assert.Equal(1, _h.Meters.Sum("ingest.gated"));
        Assert.Equal(0, _h.Meters.Sum("ingest.facts.posted"));
        var quarantined = await _h.Quarantine.ReadAsync(new HashSet<long> { 999 }, CancellationToken.None);
        Assert.Equal("aloware#TEXTS#5", Assert.Single(quarantined).EventKey);
    }

    [Fact]
    public async Task AnEmptyRosterGatesEverythingIntoQuarantine()
    {
        var outcome = await _h.DeliverAsync("""{"event":"x","body":{"id":5,"type":2,"user_id":1}}""");

        Assert.Equal(1, outcome.Gated);
        Assert.Empty(_h.Facts);
    }

    [Fact]
    public async Task ASinkFailureReleasesTheClaimSoARetryCounts()
    {
        await _h.SeedRosterAsync(9);
        _h.FailFactPosts = 1;
        const string sms = """{"event":"x","body":{"id":5,"type":2,"user_id":9}}""";

        await Assert.ThrowsAsync<HttpRequestException>(() => _h.DeliverAsync(sms));
        var retry = await _h.DeliverAsync(sms);

        Assert.Equal(1, retry.Facts);
        Assert.Single(_h.Facts);
        Assert.Equal(ClaimStatus.AlreadyCompleted, (await _h.Ledger.ClaimAsync("aloware#TEXTS#5", "", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task AFactHeldByAnotherWorkerIsNotSettled()
    {
        await _h.SeedRosterAsync(9);
        await _h.Ledger.ClaimAsync("aloware#TEXTS#5", "agent=9;date=20261126", CancellationToken.None);

        var outcome = await _h.DeliverAsync("""{"event":"x","body":{"id":5,"type":2,"user_id":9}}""");

        Assert.Equal(1, outcome.HeldElsewhere);
        Assert.False(outcome.IsSettled);
        Assert.Empty(_h.Facts);
    }
}
