using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Ingest.Core.Time;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>
/// The calendar, from Jan 1 of last year to Dec 31 of next year in the business time zone unless a range is
/// posted. Ingest pushes the dates facts need on its own; the seed forgets those and reserves each seeded date
/// first, so no date is pushed twice even while facts keep arriving. The request itself is the desired state: a re-run repairs.
/// </summary>
public sealed class DimDateSeed(IDimRegistry registry, BusinessCalendar calendar, TimeProvider clock, TableRefresh refresh, AdminRun run)
{
    public Task<AdminSummary> SeedAsync(DimDateSeedRequest request, string actor, byte[] payload, CancellationToken cancellationToken)
        => run.ExecuteAsync(TableNames.DimDate, actor, payload, async () =>
        {
            var (from, to) = Range(request);
            var (deleted, added, duration) = await refresh.RunAsync(TableNames.DimDate, ct => ReserveAsync(from, to, ct), cancellationToken);
            return new AdminSummary(TableNames.DimDate, deleted, added, null, (long)duration.TotalMilliseconds);
        }, cancellationToken);

    public (DateOnly From, DateOnly To) Range(DimDateSeedRequest request)
    {
        var today = calendar.Today(clock);
        var from = AdminFormats.TryDate(request.From, out var f) ? f : new DateOnly(today.Year - 1, 1, 1);
        var to = AdminFormats.TryDate(request.To, out var t) ? t : new DateOnly(today.Year + 1, 12, 31);
        return (from, to);
    }

    /// <summary>The seeded dates that this run reserved; one ingest pushed meanwhile is already in the table.</summary>
    private async Task<IReadOnlyList<DimDate>> ReserveAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await registry.ClearAsync(TableNames.DimDate, cancellationToken);
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToArray();
        var reserved = new bool[days.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, days.Length), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
            reserved[i] = await registry.TryReserveAsync(TableNames.DimDate, DimensionEnsurer.RowKey(Keys.DateKey(days[i])), ct));
        return days.Where((_, i) => reserved[i]).Select(BusinessCalendar.DateRow).ToArray();
    }
}
