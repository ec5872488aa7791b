using System.Diagnostics;
using System.Globalization;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>
/// The clear-and-repopulate step every admin service ends with: take the table's lease lock (409 while another
/// run holds it), replace the table's rows with the desired ones (as the sink does it), release. The desired state is stored before this
/// runs, so a failure half-way is repaired by running the sync again.
/// </summary>
public sealed class TableRefresh(ISinkTables tables, ITableLockStore locks, IOptions<AdminOptions> options, TimeProvider clock, ILogger<TableRefresh> logger)
{
    /// <param name="rowsToAdd">The rows to add, built under the lock before the sink replaces the old rows (DimDate reserves them against ingest), so a failure there leaves the table as it was.</param>
    /// <returns>Rows added, and rows replaced as far as the sink knows.</returns>
    public async Task<(long RowsReplaced, int RowsAdded, TimeSpan Duration)> RunAsync<TRow>(
        string table, Func<CancellationToken, Task<IReadOnlyList<TRow>>> rowsToAdd, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var held = await locks.TryAcquireAsync(table, string.Create(CultureInfo.InvariantCulture, $"a refresh of {table} started at {clock.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}"), options.Value.TableLockLease, cancellationToken);
        var owner = held.OwnerToken
            ?? throw new AdminConflictException("table_locked", $"Another run is updating {table} ({held.HeldBy}); try again when it has finished.");
        long replaced;
        IReadOnlyList<TRow> rows;
        try
        {
            rows = await rowsToAdd(cancellationToken);
            replaced = await tables.ReplaceRowsAsync(table, rows, cancellationToken);
        }
        finally
        {
            if (!await locks.ReleaseAsync(table, owner, CancellationToken.None))
            {
                logger.LogWarning("The lock on {Table} lapsed before the run finished; raise Admin__TableLockLease", table);
            }
        }

        var duration = Stopwatch.GetElapsedTime(started);
        logger.LogInformation("Repopulated {Table}: {Replaced} row(s) replaced by {Added} in {DurationMs} ms", table, replaced, rows.Count, (long)duration.TotalMilliseconds);
        return (replaced, rows.Count, duration);
    }
}
