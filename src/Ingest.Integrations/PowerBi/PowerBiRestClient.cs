using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// A typed client over the documented push-dataset REST endpoints, in the workspace form
/// <c>/v1.0/myorg/groups/{groupId}/...</c> that service principals must use.
/// </summary>
public sealed class PowerBiRestClient(IHttpClientFactory httpClients, IOptions<PowerBiOptions> options)
{
    /// <summary>The named HttpClient; one per call, so the factory can rotate handlers under a singleton.</summary>
    public const string HttpClientName = "PowerBi";

    private static readonly JsonSerializerOptions RowJson = new(JsonSerializerDefaults.General);

    private string Workspace => $"v1.0/myorg/groups/{Uri.EscapeDataString(options.Value.WorkspaceId)}";

    public async Task<IReadOnlyList<DatasetInfo>> ListDatasetsAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"{Workspace}/datasets", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var list = await response.Content.ReadFromJsonAsync<ODataList<DatasetInfo>>(cancellationToken);
        return list?.Value ?? [];
    }

    public async Task<DatasetInfo> CreateDatasetAsync(string name, IReadOnlyList<TableSchema> tables, string retentionPolicy, CancellationToken cancellationToken)
    {
        var body = new CreateDatasetDto(name, "Push", tables.Select(t => new TableDto(t.Name, t.Columns.Select(c => new ColumnDto(c.Name, c.DataType)).ToArray())).ToArray());
        using var response = await Http.PostAsJsonAsync($"{Workspace}/datasets?defaultRetentionPolicy={Uri.EscapeDataString(retentionPolicy)}", body, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<DatasetInfo>(cancellationToken))!;
    }

    public async Task AddRowsAsync<TRow>(string datasetId, string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsJsonAsync(RowsPath(datasetId, table), new RowsDto<TRow>(rows), RowJson, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task DeleteRowsAsync(string datasetId, string table, CancellationToken cancellationToken)
    {
        using var response = await Http.DeleteAsync(RowsPath(datasetId, table), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private HttpClient Http => httpClients.CreateClient(HttpClientName);

    private string RowsPath(string datasetId, string table)
        => $"{Workspace}/datasets/{Uri.EscapeDataString(datasetId)}/tables/{Uri.EscapeDataString(table)}/rows";

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ErrorBody? error = null;
        try
        {
            error = (await response.Content.ReadFromJsonAsync<ErrorDto>(cancellationToken))?.Error;
        }
        catch (JsonException)
        {
            // Not an OData error body (a proxy's HTML page, say): the status still tells the story.
        }

        var requestId = response.Headers.TryGetValues("RequestId", out var ids) ? ids.FirstOrDefault() : null;
        var retryAfter = response.Headers.RetryAfter?.Delta;
        throw new PowerBiException(response.StatusCode, error?.Code, error?.Message ?? response.ReasonPhrase, requestId, retryAfter);
    }
}
