using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Core.Time;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>
/// Shift rules. They are stored where ingest reads them for <c>ShiftID</c>, so the table and the facts agree;
/// the table also gets the <c>NONE</c> row that facts outside every shift point at.
/// </summary>
public sealed class DimShiftSync(IShiftRuleStore rules, TableRefresh refresh, AdminRun run)
{
    public Task<AdminSummary> SyncAsync(DimShiftSyncRequest request, string actor, byte[] payload, CancellationToken cancellationToken)
        => run.ExecuteAsync(TableNames.DimShift, actor, payload, async () =>
        {
            var shifts = request.Shifts!.Select((s, i) => ToRule(s, i + 1)).ToArray();
            await rules.ReplaceAsync(shifts, cancellationToken);

            IReadOnlyList<DimShift> rows = [.. shifts.Select(s => s.ToRow()), NoShiftRow(shifts.Length + 1)];
            var (deleted, added, duration) = await refresh.RunAsync(TableNames.DimShift, _ => Task.FromResult(rows), cancellationToken);
            return new AdminSummary(TableNames.DimShift, deleted, added, null, (long)duration.TotalMilliseconds);
        }, cancellationToken);

    public static DimShift NoShiftRow(int sortOrder) => new()
    {
        ShiftID = ShiftResolver.NoShift, Name = "Outside every shift", StartTime = "", EndTime = "", Days = "", SortOrder = sortOrder,
    };

    private static ShiftRule ToRule(ShiftSpec spec, int sortOrder)
    {
        AdminFormats.TryTime(spec.Start, out var start);
        AdminFormats.TryTime(spec.End, out var end);
        return new ShiftRule(spec.ShiftId!, spec.Name!, start, end, spec.Days!.Select(d => AdminFormats.Days[d]).ToHashSet(), sortOrder);
    }
}
