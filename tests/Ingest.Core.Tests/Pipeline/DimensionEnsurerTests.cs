using Ingest.Core.Domain;
using Ingest.Core.Embedded;
using Ingest.Core.Pipeline;
using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Core.Tests.Pipeline;

/// <summary>DimDate rows through the registry: each date in the table exactly once, whatever a push does (finding 16).</summary>
public class DimensionEnsurerTests
{
    private static readonly DimHints Nov26 = new(new HashSet<int> { 20261126 }, new HashSet<long>());
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero));
    private readonly InMemoryDimRegistry _registry = new();
    private readonly FakeTables _tables = new();
    private readonly LedgerOptions _ledger = new();

    /// <summary>A push whose rows landed but whose answer never came.</summary>
    private static void TimeOutAfterLanding(Action land)
    {
        land();
        throw new TaskCanceledException("timed out after the rows landed");
    }

    private void AssertEachDateOnceWith(int dateKey)
    {
        Assert.Single(_tables.DateKeys, k => k == dateKey);
        Assert.Equal(_tables.DateKeys.Count, _tables.DateKeys.Distinct().Count());
    }

    private DimensionEnsurer Ensurer() => PipelineHarness.DimensionEnsurer(_registry, _tables, _clock);

    [Fact]
    public async Task ADateIsPushedOnceHoweverManyFactsNeedIt()
    {
        var ensurer = Ensurer();

        await ensurer.EnsureAsync(Nov26, CancellationToken.None);
        await ensurer.EnsureAsync(Nov26, CancellationToken.None);

        Assert.Equal([20261126], _tables.DateKeys);
        Assert.Equal(1, _tables.Posts);
    }

    [Fact]
    public async Task APushThatStoredNothingIsForgottenSoTheNextFactPushesTheDate()
    {
        var ensurer = Ensurer();
        _tables.Next = _ => throw new Refused(mayHaveLanded: false);

        await Assert.ThrowsAsync<DimensionsUnavailableException>(() => ensurer.EnsureAsync(Nov26, CancellationToken.None));
        await ensurer.EnsureAsync(Nov26, CancellationToken.None);

        Assert.Equal([20261126], _tables.DateKeys);
        Assert.Equal(0, _tables.Deletes);
    }

    [Fact]
    public async Task APushThatTimedOutButLandedIsNeverPushedTwice()
    {
        var ensurer = Ensurer();
        _tables.Next = TimeOutAfterLanding;

        await Assert.ThrowsAsync<DimensionsUnavailableException>(() => ensurer.EnsureAsync(Nov26, CancellationToken.None));
        await ensurer.EnsureAsync(Nov26, CancellationToken.None);
        await ensurer.EnsureAsync(Nov26, CancellationToken.None);

        // The table was rebuilt once: the date is there once, beside the seeded calendar.
        AssertEachDateOnceWith(20261126);
        Assert.Equal(1, _tables.Deletes);
    }

    [Fact]
    public async Task ADateReservedByAWorkerThatDiedIsPushedOnceItsLeaseLapses()
    {
        var ensurer = Ensurer();
        await _registry.TryReserveAsync(TableNames.DimDate, "20261126", _ledger.LeaseDuration, _clock.GetUtcNow(), CancellationToken.None);

        await ensurer.EnsureAsync(Nov26, CancellationToken.None);
        Assert.Empty(_tables.DateKeys); // its holder may still be pushing it
        _clock.Advance(_ledger.LeaseDuration);
        await ensurer.EnsureAsync(Nov26, CancellationToken.None);
        await ensurer.EnsureAsync(Nov26, CancellationToken.None);

        AssertEachDateOnceWith(20261126);
        Assert.Equal(1, _tables.Deletes);
    }

    [Fact]
    public async Task ARebuildThatFailsIsTriedAgainByTheNextFact()
    {
        var ensurer = Ensurer();
        _tables.Next = TimeOutAfterLanding;
        await Assert.ThrowsAsync<DimensionsUnavailableException>(() => ensurer.EnsureAsync(Nov26, CancellationToken.None));

        _tables.Next = _ => throw new Refused(mayHaveLanded: true);
        await Assert.ThrowsAsync<DimensionsUnavailableException>(() => ensurer.EnsureAsync(Nov26, CancellationToken.None));
        await ensurer.EnsureAsync(Nov26, CancellationToken.None);

        AssertEachDateOnceWith(20261126);
    }

    [Fact]
    public async Task ARefusalThatRetryingCannotCureIsNotAnOutage()
    {
        var ensurer = Ensurer();
        _tables.Next = _ => throw new InvalidOperationException("a bug, not an outage");

        await Assert.ThrowsAsync<InvalidOperationException>(() => ensurer.EnsureAsync(Nov26, CancellationToken.None));
    }

    [Fact]
    public async Task ARebuildFailingHalfWayLeavesEveryDateItTookUncertain()
    {
        var ensurer = Ensurer();
        await ensurer.EnsureAsync(new DimHints(new HashSet<int> { 20200101 }, new HashSet<long>()), CancellationToken.None); // a date outside the seeded years
        _tables.Next = TimeOutAfterLanding;
        await Assert.ThrowsAsync<DimensionsUnavailableException>(() => ensurer.EnsureAsync(Nov26, CancellationToken.None));

        // The rebuild deletes every row, then its push fails: nothing may stay registered as pushed.
        _tables.Next = _ => throw new Refused(mayHaveLanded: true);
        await Assert.ThrowsAsync<DimensionsUnavailableException>(() => ensurer.EnsureAsync(Nov26, CancellationToken.None));
        Assert.Empty(_tables.DateKeys);
        foreach (var key in new[] { "20200101", "20261126", "20250101" })
        {
            Assert.Equal(DimRowStatus.Uncertain, (await _registry.TryReserveAsync(TableNames.DimDate, key, _ledger.LeaseDuration, _clock.GetUtcNow(), CancellationToken.None)).Status);
        }

        await ensurer.EnsureAsync(Nov26, CancellationToken.None);
        Assert.Single(_tables.DateKeys, k => k == 20200101);
        Assert.Single(_tables.DateKeys, k => k == 20261126);
    }

    [Fact]
    public async Task ASeedOfANarrowerRangeKeepsEveryDateFactsAlreadyUse()
    {
        await Ensurer().EnsureAsync(new DimHints(new HashSet<int> { 20200101 }, new HashSet<long>()), CancellationToken.None);
        var seed = PipelineHarness.DimDateSeed(_registry, _tables, _clock);

        await seed.SeedAsync(new Ingest.Core.Admin.Dimensions.DimDateSeedRequest("2026-01-01", "2026-01-31"), "ops", [], CancellationToken.None);

        Assert.Equal(32, _tables.DateKeys.Count);
        Assert.Single(_tables.DateKeys, k => k == 20200101);
        Assert.Equal(DimRowStatus.Pushed, (await _registry.TryReserveAsync(TableNames.DimDate, "20200101", _ledger.LeaseDuration, _clock.GetUtcNow(), CancellationToken.None)).Status);
    }

    private sealed class Refused(bool mayHaveLanded) : SinkFailedException("refused")
    {
        public override bool MayHaveLanded => mayHaveLanded;

        public override bool IsTransient => true;
    }

    /// <summary>DimDate as the dashboard holds it; <see cref="Next"/> decides the next push (land it, or throw).</summary>
    private sealed class FakeTables : ISinkTables
    {
        public List<int> DateKeys { get; } = [];
        public int Posts { get; private set; }
        public int Deletes { get; private set; }
        public Action<Action>? Next { get; set; }

        public Task AppendRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        {
            Posts++;
            void Land() => DateKeys.AddRange(rows.Cast<DimDate>().Select(r => r.DateKey));
            var next = Next;
            Next = null;
            if (next is null)
            {
                Land();
            }
            else
            {
                next(Land);
            }

            return Task.CompletedTask;
        }

        /// <summary>As the push API does it: delete, then add (the add may fail as <see cref="Next"/> says).</summary>
        public async Task<long> ReplaceRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        {
            var before = DateKeys.Count;
            Deletes++;
            DateKeys.Clear();
            await AppendRowsAsync(table, rows, cancellationToken);
            return before;
        }
    }
}
