using System.Globalization;
using System.Text.Json;
using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Ingest.Core.Time;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>
/// The calendar, from Jan 1 of last year to Dec 31 of next year in the business time zone unless a range is
/// posted. Ingest pushes the dates facts need on its own; the seed forgets those and reserves each seeded date
/// first, so no date is pushed twice even while facts keep arriving. The request itself is the desired state: a re-run repairs.
/// When a date push may have landed unconfirmed, ingest repairs the same way, over every date it ever registered.
/// </summary>
public sealed class DimDateSeed(IDimRegistry registry, BusinessCalendar calendar, TimeProvider clock, TableRefresh refresh, AdminRun run, IOptions<LedgerOptions> ledger)
{
    /// <summary>Who the audit names for a repair ingest started on its own.</summary>
    public const string RepairActor = "ingest:dimdate-repair";

    private const int Parallelism = 16;

    public Task<AdminSummary> SeedAsync(DimDateSeedRequest request, string actor, byte[] payload, CancellationToken cancellationToken)
        => run.ExecuteAsync(TableNames.DimDate, actor, payload, () => RebuildAsync(Range(request), cancellationToken), cancellationToken);

    /// <summary>Rebuilds DimDate over the default range widened to every registered date and <paramref name="alsoDateKeys"/>.</summary>
    public async Task<AdminSummary> RepairAsync(IEnumerable<int> alsoDateKeys, CancellationToken cancellationToken)
    {
        var registered = (await registry.ListAsync(TableNames.DimDate, cancellationToken)).Select(k => int.Parse(k, CultureInfo.InvariantCulture));
        var dates = registered.Concat(alsoDateKeys).Select(Keys.DateFromKey).ToArray();
        var (from, to) = Range(new DimDateSeedRequest(null, null));
        if (dates.Length > 0)
        {
            (from, to) = (dates.Min() < from ? dates.Min() : from, dates.Max() > to ? dates.Max() : to);
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(new DimDateSeedRequest(AdminFormats.Date(from), AdminFormats.Date(to)));
        return await run.ExecuteAsync(TableNames.DimDate, RepairActor, payload, () => RebuildAsync((from, to), cancellationToken), cancellationToken);
    }

    public (DateOnly From, DateOnly To) Range(DimDateSeedRequest request)
    {
        var today = calendar.Today(clock);
        var from = AdminFormats.TryDate(request.From, out var f) ? f : new DateOnly(today.Year - 1, 1, 1);
        var to = AdminFormats.TryDate(request.To, out var t) ? t : new DateOnly(today.Year + 1, 12, 31);
        return (from, to);
    }

    private async Task<AdminSummary> RebuildAsync((DateOnly From, DateOnly To) range, CancellationToken cancellationToken)
    {
        IReadOnlyList<(DimDate Row, string Token)> reserved = [];
        try
        {
            var (deleted, added, duration) = await refresh.RunAsync<DimDate>(TableNames.DimDate, async ct =>
            {
                reserved = await ReserveAsync(range.From, range.To, ct);
                return reserved.Select(r => r.Row).ToArray();
            }, cancellationToken);
            await EachAsync(reserved, (r, ct) => registry.ConfirmAsync(TableNames.DimDate, DimensionEnsurer.RowKey(r.Row.DateKey), r.Token, ct), cancellationToken);
            return new AdminSummary(TableNames.DimDate, deleted, added, null, (long)duration.TotalMilliseconds);
        }
        catch
        {
            // The push may have landed: mark the dates uncertain, so the next fact that needs one repairs again at once.
            await DimensionEnsurer.BestEffortAsync(() => EachAsync(reserved, (r, ct) => registry.AbandonAsync(TableNames.DimDate, DimensionEnsurer.RowKey(r.Row.DateKey), r.Token, ct), CancellationToken.None));
            throw;
        }
    }

    /// <summary>The seeded dates that this run reserved; one ingest pushed meanwhile is already in the table.</summary>
    private async Task<IReadOnlyList<(DimDate Row, string Token)>> ReserveAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await registry.ClearAsync(TableNames.DimDate, cancellationToken);
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToArray();
        var tokens = new string?[days.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, days.Length), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
            tokens[i] = (await registry.TryReserveAsync(TableNames.DimDate, DimensionEnsurer.RowKey(Keys.DateKey(days[i])), ledger.Value.LeaseDuration, clock.GetUtcNow(), ct)).Token);
        return days.Select((day, i) => (Row: BusinessCalendar.DateRow(day), Token: tokens[i])).Where(r => r.Token is not null).Select(r => (r.Row, r.Token!)).ToArray();
    }

    private static Task EachAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, Task> action, CancellationToken cancellationToken)
        => Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (item, ct) => await action(item, ct));
}
