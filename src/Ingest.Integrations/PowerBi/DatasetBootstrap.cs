using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>Finds the push dataset by name in the workspace, or creates it with the full schema. The id is cached after the first success.</summary>
public sealed class DatasetBootstrap(PowerBiRestClient client, IOptions<PowerBiOptions> options, ILogger<DatasetBootstrap> logger)
{
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
        var name = options.Value.DatasetName;
        var matches = (await client.ListDatasetsAsync(cancellationToken)).Where(d => d.Name == name).ToArray();
        if (matches.Length > 1)
        {
            throw new InvalidOperationException(
                $"The workspace holds {matches.Length} datasets named '{name}' ({string.Join(", ", matches.Select(d => d.Id))}); delete or rename all but one.");
        }

        if (matches.Length == 1)
        {
            logger.LogInformation("Using push dataset {DatasetName} ({DatasetId})", name, matches[0].Id);
            return matches[0].Id;
        }

        var created = await client.CreateDatasetAsync(name, PushSchema.Tables, options.Value.RetentionPolicy, cancellationToken);
        logger.LogInformation("Created push dataset {DatasetName} ({DatasetId}) with retention {RetentionPolicy}", name, created.Id, options.Value.RetentionPolicy);
        return created.Id;
    }
}
