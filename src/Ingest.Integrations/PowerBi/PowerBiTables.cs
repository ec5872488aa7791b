using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// The dataset's tables over REST: rows split into requests of at most 10,000, each within the push limits
/// (<see cref="PushPolicy"/>). A replace is the push API's delete then add, with the rows this app added
/// counted in the shared budget's store, since the push API cannot count a table's rows.
/// </summary>
public sealed class PowerBiTables(PowerBiRestClient client, DatasetBootstrap dataset, PushLimiter limiter, IPushBudget counters) : ISinkTables
{
    public const int MaxRowsPerPost = 10_000;

    public static string Counter(string table) => $"admin#{table}-rows";

    public Task AppendRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken) => AddRowsAsync(table, rows, cancellationToken);

    public async Task<long> ReplaceRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        var before = await counters.CountAsync(Counter(table), 0, cancellationToken);
        await DeleteRowsAsync(table, cancellationToken);
        await counters.ResetCountAsync(Counter(table), cancellationToken);
        await AddRowsAsync(table, rows, cancellationToken);
        await counters.CountAsync(Counter(table), rows.Count, cancellationToken);
        return before;
    }

    public async Task AddRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        var datasetId = await dataset.GetDatasetIdAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(MaxRowsPerPost))
        {
            await client.AddRowsAsync(datasetId, table, chunk, cancellationToken);
        }
    }

    public async Task DeleteRowsAsync(string table, CancellationToken cancellationToken)
    {
        await client.DeleteRowsAsync(await dataset.GetDatasetIdAsync(cancellationToken), table, cancellationToken);
        if (table == TableNames.FactEvent)
        {
            await limiter.FactEventClearedAsync(cancellationToken);
        }
    }
}
