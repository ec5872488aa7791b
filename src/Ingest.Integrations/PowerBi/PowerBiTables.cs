using Ingest.Core.Storage;

namespace Ingest.Integrations.PowerBi;

/// <summary>The dataset's tables over REST: rows split into requests of at most 10,000.</summary>
public sealed class PowerBiTables(PowerBiRestClient client, DatasetBootstrap dataset) : IPushTables
{
    public const int MaxRowsPerPost = 10_000;

    public async Task AddRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        var datasetId = await dataset.GetDatasetIdAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(MaxRowsPerPost))
        {
            await client.AddRowsAsync(datasetId, table, chunk, cancellationToken);
        }
    }

    public async Task DeleteRowsAsync(string table, CancellationToken cancellationToken)
        => await client.DeleteRowsAsync(await dataset.GetDatasetIdAsync(cancellationToken), table, cancellationToken);
}
