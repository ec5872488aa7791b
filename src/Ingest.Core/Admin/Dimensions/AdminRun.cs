using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>Audits an admin run before it touches anything (who, when, payload and its hash) and again with how it ended.</summary>
public sealed class AdminRun(IAuditLog audit, TimeProvider clock, ILogger<AdminRun> logger)
{
    public Task<AdminSummary> ExecuteAsync(string table, string actor, byte[] payload, Func<Task<AdminSummary>> run, CancellationToken cancellationToken)
        => ExecuteAsync(table, actor, payload, keepPayload: true, run,
            s => $"applied: {s.RowsAdded} row(s), version {s.Version?.ToString() ?? "-"}", cancellationToken);

    /// <param name="keepPayload">False for payloads too large to keep (an export): the audit keeps their hash only.</param>
    /// <param name="outcome">How the run ended, in the audit's words.</param>
    public async Task<T> ExecuteAsync<T>(string table, string actor, byte[] payload, bool keepPayload, Func<Task<T>> run, Func<T, string> outcome, CancellationToken cancellationToken)
    {
        var hash = AuditPayload.Sha256(payload);
        var started = clock.GetUtcNow();
        await audit.AppendAsync(new AuditEntry(table, actor, started, hash, keepPayload ? payload : [], "accepted"), cancellationToken);
        try
        {
            var result = await run();
            var said = outcome(result);
            await audit.AppendAsync(new AuditEntry(table, actor, clock.GetUtcNow(), hash, [], said), CancellationToken.None);
            logger.LogInformation("Admin {Actor} ran {Table}: {Outcome} in {DurationMs} ms", actor, table, said, (long)(clock.GetUtcNow() - started).TotalMilliseconds);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away: the run stopped between steps, its claims released, so nothing unlanded is counted.
            await TryAuditFailureAsync(new AuditEntry(table, actor, clock.GetUtcNow(), hash, [], "cancelled: the caller went away; run it again"));
            throw;
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
