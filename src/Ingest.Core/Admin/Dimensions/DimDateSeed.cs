using System.Collections.Concurrent;
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
/// posted. Ingest writes the dates facts need on its own; the seed takes every date over before it replaces the
/// rows, so ingest leaves them alone meanwhile. The request itself is the desired state: a re-run repairs.
/// When a date's write may have landed unconfirmed, ingest repairs the same way, over every date it ever registered.
/// </summary>
public sealed class DimDateSeed(IDimRegistry registry, BusinessCalendar calendar, TimeProvider clock, TableRefresh refresh, AdminRun run, IOptions<LedgerOptions> ledger)
{
    /// <summary>Who the audit names for a repair ingest started on its own.</summary>
    public const string RepairActor = "ingest:dimdate-repair";

    private const int Parallelism = 16;

    public Task<AdminSummary> SeedAsync(DimDateSeedRequest request, string actor, byte[] payload, CancellationToken cancellationToken)
        => run.ExecuteAsync(TableNames.DimDate, actor, payload, () => RebuildAsync(Range(request), [], cancellationToken), cancellationToken);

    /// <summary>Rebuilds DimDate over the default range, every registered date, and <paramref name="alsoDateKeys"/> (the dates at hand).</summary>
    public Task<AdminSummary> RepairAsync(IReadOnlyCollection<int> alsoDateKeys, CancellationToken cancellationToken)
    {
        var (from, to) = Range(new DimDateSeedRequest(null, null));
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { from = AdminFormats.Date(from), to = AdminFormats.Date(to), also = alsoDateKeys });
        return run.ExecuteAsync(TableNames.DimDate, RepairActor, payload, () => RebuildAsync((from, to), alsoDateKeys, cancellationToken), cancellationToken);
    }

    public (DateOnly From, DateOnly To) Range(DimDateSeedRequest request)
    {
        var today = calendar.Today(clock);
        var from = AdminFormats.TryDate(request.From, out var f) ? f : new DateOnly(today.Year - 1, 1, 1);
        var to = AdminFormats.TryDate(request.To, out var t) ? t : new DateOnly(today.Year + 1, 12, 31);
        return (from, to);
    }

    /// <summary>
    /// Under the table's lock: takes over every date of the range and every date registered before (so ingest
    /// leaves them alone, and a failure at any step leaves them uncertain, to be rebuilt again), has the sink replace
    /// the rows with them all, then confirms them: a date some fact already uses is never dropped by a narrower range.
    /// </summary>
    private async Task<AdminSummary> RebuildAsync((DateOnly From, DateOnly To) range, IEnumerable<int> alsoDateKeys, CancellationToken cancellationToken)
    {
        var taken = new ConcurrentDictionary<int, string>();
        try
        {
            var (deleted, added, duration) = await refresh.RunAsync<DimDate>(TableNames.DimDate, async ct =>
            {
                var days = Enumerable.Range(0, range.To.DayNumber - range.From.DayNumber + 1).Select(d => Keys.DateKey(range.From.AddDays(d)));
                var registered = (await registry.ListAsync(TableNames.DimDate, ct)).Select(k => int.Parse(k, CultureInfo.InvariantCulture));
                var dateKeys = days.Union(registered).Union(alsoDateKeys).Order().ToArray();
                await EachAsync(dateKeys, async (dateKey, c) =>
                    taken[dateKey] = await registry.TakeOverAsync(TableNames.DimDate, DimensionEnsurer.RowKey(dateKey), ledger.Value.LeaseDuration, clock.GetUtcNow(), c), ct);
                return dateKeys.Select(k => BusinessCalendar.DateRow(Keys.DateFromKey(k))).ToArray();
            }, cancellationToken);
            await EachAsync(taken.ToArray(), (date, ct) => registry.ConfirmAsync(TableNames.DimDate, DimensionEnsurer.RowKey(date.Key), date.Value, ct), cancellationToken);
            return new AdminSummary(TableNames.DimDate, deleted, added, null, (long)duration.TotalMilliseconds);
        }
        catch
        {
            // The rows may be gone or half written: mark the dates uncertain, so the next fact that needs one rebuilds again at once.
            await DimensionEnsurer.BestEffortAsync(() => EachAsync(taken.ToArray(), (date, ct) => registry.AbandonAsync(TableNames.DimDate, DimensionEnsurer.RowKey(date.Key), date.Value, ct), CancellationToken.None));
            throw;
        }
    }

    private static Task EachAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, Task> action, CancellationToken cancellationToken)
        => Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (item, ct) => await action(item, ct));
}
