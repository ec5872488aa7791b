using System.Text.Json;
using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>
/// Restores a month's goals as they were at an earlier version: the payload that version's sync stored in the audit
/// log is applied again, as a new version above the current one, through the same sync (so it is audited like one).
/// </summary>
public sealed class DimMetricRollback(IAuditLog audit, IAdminVersionStore versions, DimMetricSync sync, TimeProvider clock)
{
    /// <summary>How far back the audit log is searched: two entries per sync, so thousands of versions.</summary>
    private const int AuditEntriesRead = 10_000;

    /// <exception cref="AdminNotFoundException">No sync of that month at that version was ever applied.</exception>
    public async Task<AdminSummary> RollBackAsync(DimMetricRollbackRequest request, string actor, byte[] payload, CancellationToken cancellationToken)
    {
        AdminFormats.TryMonth(request.Month, out var month);
        var applied = await versions.GetAsync(TableNames.DimMetric, request.Month!, cancellationToken);
        var goals = applied is null ? null : await AppliedGoalsAsync(month, request.ToVersion, cancellationToken);
        if (goals is null)
        {
            throw new AdminNotFoundException("toVersion", $"Version {request.ToVersion} of {request.Month} was never applied; dimmetric/sync's audit holds the versions that were.");
        }

        await audit.AppendAsync(new AuditEntry(TableNames.DimMetric, actor, clock.GetUtcNow(), AuditPayload.Sha256(payload), payload,
            $"rollback of {request.Month} to version {request.ToVersion} as version {applied + 1}"), cancellationToken);
        var restored = new DimMetricSyncRequest(request.Month, applied!.Value + 1, goals);
        return await sync.SyncAsync(restored, actor, JsonSerializer.SerializeToUtf8Bytes(restored), cancellationToken);
    }

    /// <summary>The goals of the audited sync of that month and version whose run was applied, or null.</summary>
    private async Task<IReadOnlyList<MetricGoal>?> AppliedGoalsAsync(DateOnly month, long version, CancellationToken cancellationToken)
    {
        var entries = await audit.ListAsync(TableNames.DimMetric, AuditEntriesRead, cancellationToken);
        var appliedHashes = entries.Where(e => e.Outcome.StartsWith("applied", StringComparison.Ordinal)).Select(e => e.PayloadSha256).ToHashSet();
        foreach (var entry in entries.Where(e => e.Outcome == "accepted" && appliedHashes.Contains(e.PayloadSha256)))
        {
            if (Read(entry.Payload) is { } sent && sent.Version == version && AdminFormats.TryMonth(sent.Month, out var sentMonth) && sentMonth == month)
            {
                return sent.Metrics;
            }
        }

        return null;
    }

    private static DimMetricSyncRequest? Read(byte[] payload)
    {
        try
        {
            return payload.Length == 0 ? null : JsonSerializer.Deserialize<DimMetricSyncRequest>(payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
