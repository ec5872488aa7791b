using Ingest.Integrations.PowerBi;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Core.Time;

namespace Ingest.Integrations.Tests.Stores;

/// <summary>Every stored record other than the ledger, with the same expectations of both backends.</summary>
public abstract class RecordContracts(Func<Task<IStoreBackend>> backend) : StoreContract(backend)
{
    private static FactEventRow Fact(long agent, long id) => new()
    {
        EventKey = $"aloware#CALLS#{id}", Source = "aloware", MetricID = MetricId.CALLS, MetricMonthKey = "CALLS-202611", AgentID = agent,
        CommunicationID = id, Direction = "Inbound", Disposition = "completed", OccurredAtUtc = new DateTime(2026, 11, 26, 14, 0, 0, DateTimeKind.Utc),
        DateKey = 20261126, ShiftID = "DAY", DurationSec = 30, TalkTimeSec = null, IngestedAtUtc = new DateTime(2026, 11, 26, 14, 0, 1, DateTimeKind.Utc),
    };

    [Fact]
    public async Task RosterIsReplacedWhole()
    {
        var roster = Backend.Roster();
        Assert.True((await roster.GetAsync(None)).IsEmpty);

        await roster.ReplaceAsync([new DimAgent { AgentID = 1, Name = "A", Email = "a@example.com", RingGroupID = 8465 }, new DimAgent { AgentID = 2, Name = "B", IsActive = false }], None);
        await roster.ReplaceAsync([new DimAgent { AgentID = 3, Name = "C" }, new DimAgent { AgentID = 2, Name = "B", IsActive = false }], None);

        var stored = await roster.GetAsync(None);
        Assert.Equal([2L, 3L], stored.Agents.Select(a => a.AgentID).Order());
        Assert.True(stored.IsActive(3));
        Assert.False(stored.IsActive(2));
        Assert.False(stored.IsActive(1));
    }

    [Fact]
    public async Task ShiftRulesRoundTripInSortOrder()
    {
        var shifts = Backend.Shifts();
        await shifts.ReplaceAsync(
        [
            new ShiftRule("NIGHT", "Night", new TimeOnly(23, 0), new TimeOnly(7, 0), new HashSet<DayOfWeek> { DayOfWeek.Friday }, 2),
            new ShiftRule("DAY", "Day", new TimeOnly(8, 30), new TimeOnly(16, 0), new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday }, 1),
        ], None);

        var rules = await shifts.GetAsync(None);

        Assert.Equal(["DAY", "NIGHT"], rules.Select(r => r.ShiftId));
        Assert.Equal(new TimeOnly(8, 30), rules[0].Start);
        Assert.True(rules[0].Days.SetEquals([DayOfWeek.Monday, DayOfWeek.Tuesday]));
        Assert.True(rules[1].CrossesMidnight);
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan DimLease = TimeSpan.FromMinutes(3);

    private static Task<DimReservation> ReserveAsync(IDimRegistry dims, string table, string key, DateTimeOffset? at = null)
        => dims.TryReserveAsync(table, key, DimLease, at ?? Now, None);

    [Fact]
    public async Task DimRowsAreReservedOnceUntilUnreservedOrCleared()
    {
        var dims = Backend.Dims();

        var first = await ReserveAsync(dims, "DimDate", "20261126");
        Assert.Equal(DimRowStatus.Reserved, first.Status);
        Assert.Equal(new DimReservation(DimRowStatus.Pushing, null), await ReserveAsync(dims, "DimDate", "20261126"));
        Assert.Equal(DimRowStatus.Reserved, (await ReserveAsync(dims, "DimShift", "20261126")).Status);
        await dims.UnreserveAsync("DimDate", "20261126", "not-the-owner", None);
        Assert.Equal(DimRowStatus.Pushing, (await ReserveAsync(dims, "DimDate", "20261126")).Status);
        await dims.UnreserveAsync("DimDate", "20261126", first.Token!, None);
        var second = await ReserveAsync(dims, "DimDate", "20261126");
        Assert.Equal(DimRowStatus.Reserved, second.Status);
        await dims.ConfirmAsync("DimDate", "20261126", second.Token!, None);
        Assert.Equal(DimRowStatus.Pushed, (await ReserveAsync(dims, "DimDate", "20261126", Now.AddDays(1))).Status);
        await dims.UnreserveAsync("DimDate", "20261126", second.Token!, None);
        Assert.Equal(DimRowStatus.Pushed, (await ReserveAsync(dims, "DimDate", "20261126")).Status);
        Assert.Equal(DimRowStatus.Pushing, (await ReserveAsync(dims, "DimShift", "20261126")).Status);
        Assert.Equal(["20261126"], await dims.ListAsync("DimDate", None));
    }

    [Fact]
    public async Task ARebuildTakesOverAnyRowAndOnlyItsTokenCountsAfterwards()
    {
        var dims = Backend.Dims();
        var pushed = await ReserveAsync(dims, "DimDate", "20261126");
        await dims.ConfirmAsync("DimDate", "20261126", pushed.Token!, None);
        var inFlight = await ReserveAsync(dims, "DimDate", "20261127");

        var first = await dims.TakeOverAsync("DimDate", "20261126", DimLease, Now, None);
        var second = await dims.TakeOverAsync("DimDate", "20261127", DimLease, Now, None);
        Assert.Equal(DimRowStatus.Pushing, (await ReserveAsync(dims, "DimDate", "20261126")).Status);

        await dims.ConfirmAsync("DimDate", "20261127", inFlight.Token!, None); // the ingest it took the row from
        Assert.Equal(DimRowStatus.Uncertain, (await ReserveAsync(dims, "DimDate", "20261127", Now + DimLease)).Status);
        await dims.ConfirmAsync("DimDate", "20261126", first, None);
        await dims.UnreserveAsync("DimDate", "20261127", second, None);
        Assert.Equal(DimRowStatus.Pushed, (await ReserveAsync(dims, "DimDate", "20261126", Now + DimLease)).Status);
        Assert.Equal(DimRowStatus.Reserved, (await ReserveAsync(dims, "DimDate", "20261127", Now + DimLease)).Status);
    }

    [Fact]
    public async Task AReservationLeftUnconfirmedBecomesUncertain()
    {
        var dims = Backend.Dims();

        // Its holder died: the lease lapses.
        await ReserveAsync(dims, "DimDate", "20261126");
        Assert.Equal(DimRowStatus.Pushing, (await ReserveAsync(dims, "DimDate", "20261126", Now + DimLease - TimeSpan.FromSeconds(1))).Status);
        Assert.Equal(DimRowStatus.Uncertain, (await ReserveAsync(dims, "DimDate", "20261126", Now + DimLease)).Status);

        // Its push timed out: the holder says so at once.
        var abandoned = await ReserveAsync(dims, "DimDate", "20261127");
        await dims.AbandonAsync("DimDate", "20261127", abandoned.Token!, None);
        Assert.Equal(DimRowStatus.Uncertain, (await ReserveAsync(dims, "DimDate", "20261127")).Status);
        await dims.ConfirmAsync("DimDate", "20261127", "not-the-owner", None);
        Assert.Equal(DimRowStatus.Uncertain, (await ReserveAsync(dims, "DimDate", "20261127")).Status);
    }

    [Fact]
    public async Task ALargeRegistryListsEveryRow()
    {
        var dims = Backend.Dims();
        var keys = Enumerable.Range(0, 60).Select(i => (20260101 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        foreach (var key in keys)
        {
            await ReserveAsync(dims, "DimDate", key);
        }

        Assert.Equal(keys.Order(), (await dims.ListAsync("DimDate", None)).Order());
        Assert.Empty(await dims.ListAsync("DimShift", None));
    }

    [Fact]
    public async Task QuarantineKeepsAnAgentsFactsUntilTheyAreRemoved()
    {
        var quarantine = Backend.Quarantine();
        await quarantine.AddAsync([Fact(7, 1), Fact(7, 2), Fact(8, 3)], None);
        await quarantine.AddAsync([Fact(7, 1) with { ShiftID = "LATER" }], None);

        var read = await quarantine.ReadAsync(new HashSet<long> { 7 }, None);

        Assert.Equal([1L, 2L], read.Select(r => r.CommunicationID).Order());
        Assert.Equal("DAY", read.Single(r => r.CommunicationID == 1).ShiftID);
        Assert.Equal(Fact(7, 2), read.Single(r => r.CommunicationID == 2));
        Assert.Equal(2, (await quarantine.ReadAsync(new HashSet<long> { 7 }, None)).Count); // reading takes nothing away

        await quarantine.RemoveAsync([read.Single(r => r.CommunicationID == 1)], None);

        Assert.Equal([2L], (await quarantine.ReadAsync(new HashSet<long> { 7 }, None)).Select(r => r.CommunicationID));
        Assert.Single(await quarantine.ReadAsync(new HashSet<long> { 8, 9 }, None));
        Assert.Equal([(7L, 2L), (8L, 3L)], (await quarantine.ReadAllAsync(None)).Select(r => (r.AgentID, r.CommunicationID)).Order());
    }

    [Fact]
    public async Task VersionsOnlyMoveForward()
    {
        var versions = Backend.Versions();

        Assert.Null(await versions.GetAsync("DimMetric", "2026-12", None));
        Assert.True(await versions.TryAdvanceAsync("DimMetric", "2026-12", 3, None));
        Assert.False(await versions.TryAdvanceAsync("DimMetric", "2026-12", 3, None));
        Assert.False(await versions.TryAdvanceAsync("DimMetric", "2026-12", 2, None));
        Assert.True(await versions.TryAdvanceAsync("DimMetric", "2027-01", 1, None));
        Assert.True(await versions.TryAdvanceAsync("DimMetric", "2026-12", 4, None));
        Assert.Equal(4, await versions.GetAsync("DimMetric", "2026-12", None));
    }

    [Fact]
    public async Task DesiredStateKeepsOneDocumentPerScopeAndRefusesAnOlderVersion()
    {
        var desired = Backend.Desired();

        Assert.True(await desired.TryPutAsync("DimMetric", new DesiredState("2026-12", 3, "{\"v\":3}"), None));
        Assert.True(await desired.TryPutAsync("DimMetric", new DesiredState("2026-11", 1, "{\"v\":1}"), None));
        Assert.True(await desired.TryPutAsync("DimMetric", new DesiredState("2026-12", 3, "{\"again\":3}"), None)); // a repair run
        Assert.False(await desired.TryPutAsync("DimMetric", new DesiredState("2026-12", 2, "{\"v\":2}"), None));
        Assert.True(await desired.TryPutAsync("DimDate", new DesiredState("range", 0, "{}"), None));

        var months = await desired.ListAsync("DimMetric", None);

        Assert.Equal(["2026-11", "2026-12"], months.Select(m => m.Scope));
        Assert.Equal("{\"again\":3}", months[1].Document);
    }

    [Fact]
    public async Task AuditKeepsEntriesNewestFirstAndCompressesLargePayloads()
    {
        var audit = Backend.Audit();
        var small = "{\"month\":\"2026-12\"}"u8.ToArray();
        var large = System.Text.Encoding.UTF8.GetBytes("{\"members\":[" + string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"{{\"id\":{i},\"name\":\"Agent {i}\"}}")) + "]}");
        Assert.True(large.Length > AuditPayload.MaxStoredBytes);
        var at = Backend.Clock.GetUtcNow();

        await audit.AppendAsync(new AuditEntry("DimAgent", "ops@key1", at, AuditPayload.Sha256(small), small, "applied"), None);
        await audit.AppendAsync(new AuditEntry("DimAgent", "ops@key1", at.AddSeconds(1), AuditPayload.Sha256(large), large, "applied"), None);

        var entries = await audit.ListAsync("DimAgent", 10, None);
        Assert.Equal(2, entries.Count);
        Assert.Equal(large, entries[0].Payload);
        Assert.Equal(small, entries[1].Payload);
        Assert.Equal(AuditPayload.Sha256(small), entries[1].PayloadSha256);
        Assert.Equal("ops@key1", entries[1].Actor);
        Assert.Single(await audit.ListAsync("DimAgent", 1, None));
        Assert.Empty(await audit.ListAsync("DimMetric", 10, None));
    }

    [Fact]
    public async Task AuditRefusesAPayloadTooLargeEvenCompressed()
    {
        var random = new byte[600 * 1024];
        new Random(7).NextBytes(random);

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => Backend.Audit().AppendAsync(new AuditEntry("DimAgent", "ops", Backend.Clock.GetUtcNow(), AuditPayload.Sha256(random), random, "refused"), None));
    }

    [Fact]
    public async Task ANonceIsSingleUseWithinItsLifetime()
    {
        var nonces = Backend.Nonces();

        Assert.True(await nonces.TryUseAsync("n-0123456789abcdef", TimeSpan.FromMinutes(10), None));
        Assert.False(await nonces.TryUseAsync("n-0123456789abcdef", TimeSpan.FromMinutes(10), None));
        Backend.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.True(await nonces.TryUseAsync("n-0123456789abcdef", TimeSpan.FromMinutes(10), None));
    }

    [Fact]
    public async Task ATableLockIsHeldByOneRunUntilReleasedOrLapsed()
    {
        var locks = Backend.Locks();

        var first = (await locks.TryAcquireAsync("DimMetric", "run one", TimeSpan.FromMinutes(5), None)).OwnerToken;
        Assert.NotNull(first);
        var refused = await locks.TryAcquireAsync("DimMetric", "run two", TimeSpan.FromMinutes(5), None);
        Assert.False(refused.Taken);
        Assert.Equal("run one", refused.HeldBy);
        Assert.True((await locks.TryAcquireAsync("DimDate", "run three", TimeSpan.FromMinutes(5), None)).Taken);
        Assert.False(await locks.ReleaseAsync("DimMetric", "not-the-owner", None));
        Assert.True(await locks.ReleaseAsync("DimMetric", first!, None));

        var second = (await locks.TryAcquireAsync("DimMetric", "run four", TimeSpan.FromMinutes(5), None)).OwnerToken;
        Backend.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var third = await locks.TryAcquireAsync("DimMetric", "run five", TimeSpan.FromMinutes(5), None);
        Assert.True(third.Taken);
        Assert.False(await locks.ReleaseAsync("DimMetric", second!, None));
    }

    [Fact]
    public async Task ABudgetWindowNeverGivesMoreThanItsLimit()
    {
        var budget = Backend.Budget();
        var window = Backend.Clock.GetUtcNow();

        Assert.True(await budget.TryTakeAsync("ds#posts", window, TimeSpan.FromMinutes(1), 3, 2, None));
        Assert.False(await budget.TryTakeAsync("ds#posts", window, TimeSpan.FromMinutes(1), 3, 2, None));
        Assert.True(await budget.TryTakeAsync("ds#posts", window, TimeSpan.FromMinutes(1), 3, 1, None));
        Assert.False(await budget.TryTakeAsync("ds#posts", window, TimeSpan.FromMinutes(1), 3, 1, None));
        Assert.True(await budget.TryTakeAsync("ds#posts", window.AddMinutes(1), TimeSpan.FromMinutes(1), 3, 3, None));
        Assert.False(await budget.TryTakeAsync("ds#rows", window, TimeSpan.FromMinutes(1), 3, 4, None));
    }

    [Fact]
    public async Task CountersKeepARunningTotal()
    {
        var budget = Backend.Budget();

        Assert.Equal(0, await budget.CountAsync("ds#FactEvent-rows", 0, None));
        Assert.Equal(120, await budget.CountAsync("ds#FactEvent-rows", 120, None));
        Assert.Equal(125, await budget.CountAsync("ds#FactEvent-rows", 5, None));
        Assert.Equal(0, await budget.CountAsync("other", 0, None));

        await budget.ResetCountAsync("ds#FactEvent-rows", None);
        Assert.Equal(3, await budget.CountAsync("ds#FactEvent-rows", 3, None));
    }

    [Fact]
    public async Task APoolGivesEachSlotToOneHolderUntilReleasedOrLapsed()
    {
        var budget = Backend.Budget();
        var now = Backend.Clock.GetUtcNow();
        var lease = TimeSpan.FromMinutes(1);

        var first = await budget.TryTakeSlotAsync("ds#pending", 2, lease, now, None);
        var second = await budget.TryTakeSlotAsync("ds#pending", 2, lease, now, None);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(await budget.TryTakeSlotAsync("ds#pending", 2, lease, now, None));
        Assert.NotNull(await budget.TryTakeSlotAsync("other#pending", 2, lease, now, None));

        await budget.ReleaseSlotAsync("ds#pending", first!, None);
        var third = await budget.TryTakeSlotAsync("ds#pending", 2, lease, now, None);
        Assert.NotNull(third);

        // A holder that died: its lease lapses and the slot is taken again; its late release does not free the new holder's.
        Assert.NotNull(await budget.TryTakeSlotAsync("ds#pending", 2, lease, now + lease, None));
        Assert.NotNull(await budget.TryTakeSlotAsync("ds#pending", 2, lease, now + lease, None));
        await budget.ReleaseSlotAsync("ds#pending", second!, None);
        await budget.ReleaseSlotAsync("ds#pending", third!, None);
        Assert.Null(await budget.TryTakeSlotAsync("ds#pending", 2, lease, now + lease, None));
    }

    [Fact]
    public async Task ConcurrentSlotTakersNeverShareASlot()
    {
        var budget = Backend.Budget();
        var now = Backend.Clock.GetUtcNow();

        var taken = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => budget.TryTakeSlotAsync("ds#pending", 5, TimeSpan.FromMinutes(1), now, None))));

        Assert.Equal(5, taken.Count(t => t is not null));
        Assert.Equal(5, taken.Where(t => t is not null).Select(t => PushSlots.SlotOf(t!)).Distinct().Count());
    }

    [Fact]
    public async Task ConcurrentTakesShareTheBudgetExactly()
    {
        var budget = Backend.Budget();
        var window = Backend.Clock.GetUtcNow();

        var taken = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => budget.TryTakeAsync("ds#posts", window, TimeSpan.FromMinutes(1), 25, 1, None))));

        Assert.Equal(25, taken.Count(t => t));
    }
}

public sealed class InMemoryRecordContracts() : RecordContracts(() => Task.FromResult<IStoreBackend>(new InMemoryBackend()));

[Collection(DynamoDbCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DynamoRecordContracts(DynamoDbFixture dynamo) : RecordContracts(async () => await DynamoBackend.CreateAsync(dynamo));
