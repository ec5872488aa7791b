using Ingest.Core.Adapters;
using Ingest.Core.Admin;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Backfill;
using Ingest.Core.Domain;
using Ingest.Core.Embedded;
using Ingest.Core.Pipeline;
using Ingest.Core.Tests.Pipeline;
using Ingest.Core.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Tests.Backfill;

/// <summary>
/// A recovery run reports only what it can stand behind: a fact another worker still holds is in progress, never
/// already counted; runs of one source are serialized; a run past its deadline says so.
/// </summary>
public class FactRecoveryTests
{
    private readonly PipelineHarness _harness = new();
    private readonly InMemoryTableLockStore _locks;
    private readonly FactRecovery _recovery;

    public FactRecoveryTests()
    {
        _locks = new InMemoryTableLockStore(_harness.Clock);
        _recovery = new FactRecovery(_harness.Pipeline, _harness.Roster, _harness.Ledger, _locks,
            Options.Create(new AdminOptions { RecoveryDeadline = TimeSpan.FromSeconds(200) }), _harness.Clock, NullLogger<FactRecovery>.Instance);
    }

    private FactEventRow Fact(long communicationId)
        => new FactMapper(BusinessCalendar.ForZoneId("America/New_York")).Map(
            new CountableEvent("aloware", MetricId.CALLS, communicationId, 101, "outbound", "completed", new DateTime(2026, 11, 25, 15, 0, 0, DateTimeKind.Utc), 60, 50),
            [], _harness.Clock.GetUtcNow().UtcDateTime);

    /// <summary>One fact counted before, one held by a worker that has not finished, one new.</summary>
    private async Task<FactEventRow[]> OneCountedOneHeldOneNewAsync()
    {
        await _harness.SeedRosterAsync(101);
        var (counted, held, fresh) = (Fact(1), Fact(2), Fact(3));
        var first = await _harness.Ledger.ClaimAsync(counted.EventKey, LedgerStep.Fingerprint(counted), CancellationToken.None);
        await _harness.Ledger.CompleteAsync(counted.EventKey, first.OwnerToken!, CancellationToken.None);
        await _harness.Ledger.ClaimAsync(held.EventKey, LedgerStep.Fingerprint(held), CancellationToken.None);
        return [counted, held, fresh];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AFactAnotherWorkerHoldsIsInProgressNeverAlreadyCounted(bool dryRun)
    {
        var facts = await OneCountedOneHeldOneNewAsync();
        await using var lease = await _recovery.BeginAsync("aloware", "backfill", "ops", CancellationToken.None);
        var run = await _recovery.StartAsync(lease, dryRun, CancellationToken.None);

        await run.CountAsync(facts, CancellationToken.None);

        Assert.Equal((1, 1, 1), (run.AlreadyCounted, run.InProgress, run.Added));
        Assert.Equal(dryRun ? 0 : 1, _harness.Facts.Count);
    }

    [Fact]
    public async Task ASecondRunOfOneSourceIsRefusedNamingTheRunThatHoldsIt()
    {
        await using var first = await _recovery.BeginAsync("aloware", "backfill", "hmac-secret-1", CancellationToken.None);

        var refused = await Assert.ThrowsAsync<AdminConflictException>(() => _recovery.BeginAsync("aloware", "backfill preview", "hmac-secret-2", CancellationToken.None));

        Assert.Equal("recovery_running", refused.Reason);
        Assert.Contains("a backfill by hmac-secret-1 started at 2026-11-26T20:00:00Z", refused.Message);
        await using var otherSource = await _recovery.BeginAsync("hubspot", "reconciliation", "hmac-secret-2", CancellationToken.None);
    }

    [Fact]
    public async Task TheLockIsFreeAgainOnceTheRunEnds()
    {
        await (await _recovery.BeginAsync("aloware", "backfill", "ops", CancellationToken.None)).DisposeAsync();

        await using var next = await _recovery.BeginAsync("aloware", "backfill", "ops", CancellationToken.None);
    }

    [Fact]
    public async Task ARunIsOutOfTimeAtItsDeadline()
    {
        await using var lease = await _recovery.BeginAsync("aloware", "backfill", "ops", CancellationToken.None);

        _harness.Clock.Advance(TimeSpan.FromSeconds(199));
        Assert.False(lease.OutOfTime);
        _harness.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(lease.OutOfTime);
    }
}
