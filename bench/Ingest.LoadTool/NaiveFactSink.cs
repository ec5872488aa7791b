using System.Text.Json;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Options;

namespace Ingest.LoadTool;

/// <summary>
/// The design the coalescing writer replaced, kept here only to be measured against it: one POST per delivery,
/// straight to the push API, with no group commit and no push limits, so it is throttled under load.
/// </summary>
internal sealed class NaiveFactSink(IHttpClientFactory http, DatasetBootstrap dataset, IOptions<PowerBiOptions> options) : IFactSink
{
    private static readonly JsonSerializerOptions RowJson = new(JsonSerializerDefaults.General);

    public async Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        var datasetId = await dataset.GetDatasetIdAsync(cancellationToken);
        var path = $"v1.0/myorg/groups/{Uri.EscapeDataString(options.Value.WorkspaceId)}/datasets/{Uri.EscapeDataString(datasetId)}/tables/{TableNames.FactEvent}/rows";
        using var response = await http.CreateClient(PowerBiRestClient.HttpClientName).PostAsJsonAsync(path, new { rows }, RowJson, cancellationToken);
        // A refusal leaves the rows unlanded: the pipeline releases their claims and the delivery is deferred.
        response.EnsureSuccessStatusCode();
    }
}
