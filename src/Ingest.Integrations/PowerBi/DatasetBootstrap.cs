using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Finds the push dataset by name in the workspace, or creates it with the full schema (tables,
/// relationships, measures), and puts back any table whose columns or measures drifted. Safe at every
/// cold start; the id is cached after the first success, and a failure is retried on the next call.
/// Creating is serialised across instances by a lease in the ledger (<paramref name="leases"/>), so two
/// instances starting cold at once cannot create two datasets of the same name.
/// </summary>
public sealed class DatasetBootstrap(
    PowerBiRestClient client, IOptions<PowerBiOptions> options, ILogger<DatasetBootstrap> logger, ILedger? leases = null, TimeProvider? clock = null)
{
    private static readonly TimeSpan WaitForCreator = TimeSpan.FromMilliseconds(500);

    /// <summary>The ledger keys of creation leases start with this; fact keys start with their source.</summary>
    public const string CreationLeasePrefix = "powerbi-dataset#";

    private readonly SemaphoreSlim _once = new(1, 1);
    private string? _datasetId;

    public async Task<string> GetDatasetIdAsync(CancellationToken cancellationToken)
    {
        if (_datasetId is { } known)
        {
            return known;
        }

        await _once.WaitAsync(cancellationToken);
        try
        {
            return _datasetId ??= await FindOrCreateAsync(cancellationToken);
        }
        finally
        {
            _once.Release();
        }
    }

    private async Task<string> FindOrCreateAsync(CancellationToken cancellationToken)
    {
        if (await FindAsync(cancellationToken) is { } existing)
        {
            return existing;
        }

        if (leases is null)
        {
            return await CreateAsync(cancellationToken);
        }

        var key = $"{CreationLeasePrefix}{options.Value.WorkspaceId}/{options.Value.DatasetName}";
        while (true)
        {
            var lease = await leases.ClaimAsync(key, "create", cancellationToken);
            if (lease.Status == ClaimStatus.Acquired)
            {
                try
                {
                    // Another instance may have created it between our first look and our lease.
                    return await FindAsync(cancellationToken) ?? await CreateAsync(cancellationToken);
                }
                finally
                {
                    await leases.ReleaseAsync(key, lease.OwnerToken!, CancellationToken.None);
                }
            }

            logger.LogInformation("Another instance is creating push dataset {DatasetName}; waiting for it", options.Value.DatasetName);
            await Task.Delay(WaitForCreator, clock ?? TimeProvider.System, cancellationToken);
            if (await FindAsync(cancellationToken) is { } created)
            {
                return created;
            }
        }
    }

    /// <returns>The dataset's id, its drift repaired; null when the workspace has none of that name.</returns>
    private async Task<string?> FindAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.DatasetName;
        var matches = (await client.ListDatasetsAsync(cancellationToken)).Where(d => d.Name == name).ToArray();
        if (matches.Length > 1)
        {
            throw new InvalidOperationException(
                $"The workspace holds {matches.Length} datasets named '{name}' ({string.Join(", ", matches.Select(d => d.Id))}); delete or rename all but one.");
        }

        if (matches.Length == 0)
        {
            return null;
        }

        var dataset = matches[0];
        if (!dataset.AddRowsApiEnabled)
        {
            throw new InvalidOperationException($"Dataset '{name}' ({dataset.Id}) is not a push dataset (addRowsAPIEnabled is false).");
        }

        await RepairDriftAsync(dataset.Id, cancellationToken);
        logger.LogInformation("Using push dataset {DatasetName} ({DatasetId})", name, dataset.Id);
        return dataset.Id;
    }

    private async Task<string> CreateAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.DatasetName;
        var created = await client.CreateDatasetAsync(name, PushSchema.Tables, PushSchema.Relationships, options.Value.RetentionPolicy, cancellationToken);
        logger.LogInformation("Created push dataset {DatasetName} ({DatasetId}) with retention {RetentionPolicy}", name, created.Id, options.Value.RetentionPolicy);
        return created.Id;
    }

    /// <summary>
    /// PUTs each table whose columns or measures differ from <see cref="PushSchema"/>. Where the listing gives
    /// names only (the service may omit columns), every expected table is put: a PUT keeps the rows.
    /// A table missing altogether cannot be added to a push dataset, which is said plainly.
    /// </summary>
    private async Task RepairDriftAsync(string datasetId, CancellationToken cancellationToken)
    {
        var existing = (await client.GetTablesAsync(datasetId, cancellationToken)).ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var expected in PushSchema.Tables)
        {
            if (!existing.TryGetValue(expected.Name, out var actual))
            {
                throw new InvalidOperationException($"Dataset {datasetId} has no table '{expected.Name}'; push datasets cannot gain tables, so delete the dataset and let it be created again.");
            }

            if (!Drifted(expected, actual))
            {
                continue;
            }

            await client.PutTableAsync(datasetId, expected, cancellationToken);
            logger.LogWarning("Table {Table} of dataset {DatasetId} differed from the schema; put it back", expected.Name, datasetId);
        }
    }

    private static bool Drifted(TableSchema expected, TableDto actual)
    {
        if (actual.Columns is null)
        {
            return true;
        }

        var columnsMatch = actual.Columns.Select(c => (c.Name, c.DataType.ToLowerInvariant())).ToHashSet()
            .SetEquals(expected.Columns.Select(c => (c.Name, c.DataType.ToLowerInvariant())));
        var measuresMatch = (actual.Measures ?? []).Select(m => (m.Name, m.Expression)).ToHashSet()
            .SetEquals((expected.Measures ?? []).Select(m => (m.Name, m.Expression)));
        return !columnsMatch || !measuresMatch;
    }
}
