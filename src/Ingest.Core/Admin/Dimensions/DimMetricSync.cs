using System.Text.Json;
using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>
/// Monthly goals. Ops send one month with a version above the last applied one; the month is stored and the
/// whole table is rebuilt from every stored month, so the other months stay as they were.
/// </summary>
public sealed class DimMetricSync(IAdminVersionStore versions, IDesiredStateStore desired, TableRefresh refresh, AdminRun run)
{
    public Task<AdminSummary> SyncAsync(DimMetricSyncRequest request, string actor, byte[] payload, CancellationToken cancellationToken)
        => run.ExecuteAsync(TableNames.DimMetric, actor, payload, async () =>
        {
            var month = request.Month!;
            var applied = await versions.GetAsync(TableNames.DimMetric, month, cancellationToken);
            if (applied >= request.Version)
            {
                throw Stale(month, request.Version, applied.Value);
            }

            var document = JsonSerializer.Serialize(request.Metrics);
            if (!await desired.TryPutAsync(TableNames.DimMetric, new DesiredState(month, request.Version, document), cancellationToken))
            {
                throw new AdminConflictException("stale_version", $"A version of {month} above {request.Version} was sent meanwhile.");
            }

            var (deleted, added, duration) = await refresh.RunAsync(TableNames.DimMetric, AllMonthsAsync, cancellationToken);
            await versions.TryAdvanceAsync(TableNames.DimMetric, month, request.Version, cancellationToken);
            return new AdminSummary(TableNames.DimMetric, deleted, added, request.Version, (long)duration.TotalMilliseconds);
        }, cancellationToken);

    private static AdminConflictException Stale(string month, long version, long applied)
        => new("stale_version", $"Version {version} of {month} is not above the applied version {applied}; send version {applied + 1} or higher.");

    private async Task<IReadOnlyList<DimMetric>> AllMonthsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<DimMetric>();
        foreach (var state in await desired.ListAsync(TableNames.DimMetric, cancellationToken))
        {
            AdminFormats.TryMonth(state.Scope, out var month);
            var monthKey = Keys.MonthKey(month.Year, month.Month);
            foreach (var goal in JsonSerializer.Deserialize<MetricGoal[]>(state.Document)!)
            {
                AdminFormats.TryMetric(goal.MetricId, out var metric);
                rows.Add(new DimMetric
                {
                    MetricMonthKey = Keys.MetricMonthKey(metric, monthKey),
                    MetricID = metric,
                    MonthKey = monthKey,
                    DefaultGoal = goal.DefaultGoal,
                    DefaultYellowFloorPct = goal.DefaultYellowFloorPct,
                    Version = state.Version,
                });
            }
        }

        return rows;
    }
}
