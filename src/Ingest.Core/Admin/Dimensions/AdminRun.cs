using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>Audits an admin run before it touches anything (who, when, payload and its hash) and again with how it ended.</summary>
public sealed class AdminRun(IAuditLog audit, TimeProvider clock, ILogger<AdminRun> logger)
{
    public async Task<AdminSummary> ExecuteAsync(string table, string actor, byte[] payload, Func<Task<AdminSummary>> run, CancellationToken cancellationToken)
    {
        var summary = await ExecuteAsync(table, actor, payload, keepPayload: true, run,
            s => $"applied: {s.RowsAdded} row(s), version {s.Version?.ToString() ?? "-"}", cancellationToken);
        logger.LogInformation(
            "Admin {Actor} synced {Table}: {Deleted} deleted, {Added} added, version {Version}, {DurationMs} ms",
            actor, table, summary.RowsDeleted, summary.RowsAdded, summary.Version, summary.DurationMs);
        return summary;
    }

    /// <param name="keepPayload">False for payloads too large to keep (an export): the audit keeps their hash only.</param>
    /// <param name="outcome">How the run ended, in the audit's words.</param>
    public async Task<T> ExecuteAsync<T>(string table, string actor, byte[] payload, bool keepPayload, Func<Task<T>> run, Func<T, string> outcome, CancellationToken cancellationToken)
    {
        var hash = AuditPayload.Sha256(payload);
        await audit.AppendAsync(new AuditEntry(table, actor, clock.GetUtcNow(), hash, keepPayload ? payload : [], "accepted"), cancellationToken);
        try
        {
            var result = await run();
            await audit.AppendAsync(new AuditEntry(table, actor, clock.GetUtcNow(), hash, [], outcome(result)), CancellationToken.None);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = e is AdminConflictException conflict ? conflict.Reason : e.GetType().Name;
            await TryAuditFailureAsync(new AuditEntry(table, actor, clock.GetUtcNow(), hash, [], $"failed: {reason}"));
            throw;
        }
    }

    /// <summary>The failure itself is what ops need to see; an audit store that is also down must not hide it.</summary>
    private async Task TryAuditFailureAsync(AuditEntry entry)
    {
        try
        {
            await audit.AppendAsync(entry, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not audit the failed {Table} run of {Actor}", entry.Table, entry.Actor);
        }
    }
}
