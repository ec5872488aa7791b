using System.Net.Http.Json;
using System.Text.Json;
using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// A typed client over the documented push-dataset REST endpoints, in the workspace form
/// <c>/v1.0/myorg/groups/{groupId}/...</c> that service principals must use.
/// POST rows requests go through <see cref="PushPolicy"/>, which paces and retries them; the HTTP client beneath
/// holds only the token and the timeout.
/// </summary>
public sealed class PowerBiRestClient(IHttpClientFactory httpClients, PushPolicy push, IOptions<PowerBiOptions> options)
{
    /// <summary>The named HttpClient; one per call, so the factory can rotate handlers under a singleton.</summary>
    public const string HttpClientName = "PowerBi";

    /// <summary>
    /// The push API answers in about a second; a request not answered in this, headers and body, is treated as failed
    /// (and a FactEvent POST retried). The client's own timeout: every wait for a turn or a slot happens before it.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// FactEvent rows are posted only while their ledger claims are surely still held: a claim older than its lease may
    /// have been taken over, and posting then would land the fact twice. A third of the lease leaves room for the
    /// DimDate POST before and the FactEvent POST and the complete after.
    /// </summary>
    public static TimeSpan FactRowsMaxWait(IOptions<LedgerOptions>? ledger) => (ledger?.Value ?? new LedgerOptions()).LeaseDuration / 3;

    private static readonly JsonSerializerOptions RowJson = new(JsonSerializerDefaults.General);

    private string Workspace => $"v1.0/myorg/groups/{Uri.EscapeDataString(options.Value.WorkspaceId)}";

    public async Task<IReadOnlyList<DatasetInfo>> ListDatasetsAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"{Workspace}/datasets", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var list = await response.Content.ReadFromJsonAsync<ODataList<DatasetInfo>>(cancellationToken);
        return list?.Value ?? [];
    }

    public async Task<DatasetInfo> CreateDatasetAsync(
        string name, IReadOnlyList<TableSchema> tables, IReadOnlyList<RelationshipSchema> relationships, string retentionPolicy, CancellationToken cancellationToken)
    {
        var body = new CreateDatasetDto(name, "Push", tables.Select(TableDto.From).ToArray(),
            relationships.Select(r => new RelationshipDto(r.Name, r.FromTable, r.FromColumn, r.ToTable, r.ToColumn)).ToArray());
        using var response = await Http.PostAsJsonAsync($"{Workspace}/datasets?defaultRetentionPolicy={Uri.EscapeDataString(retentionPolicy)}", body, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<DatasetInfo>(cancellationToken))!;
    }

    public async Task<IReadOnlyList<TableDto>> GetTablesAsync(string datasetId, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync($"{Workspace}/datasets/{Uri.EscapeDataString(datasetId)}/tables", cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ODataList<TableDto>>(cancellationToken))?.Value ?? [];
    }

    /// <summary>Replaces a table's columns and measures; its rows stay.</summary>
    public async Task PutTableAsync(string datasetId, TableSchema table, CancellationToken cancellationToken)
    {
        using var response = await Http.PutAsJsonAsync($"{Workspace}/datasets/{Uri.EscapeDataString(datasetId)}/tables/{Uri.EscapeDataString(table.Name)}", TableDto.From(table), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>
    /// Posts FactEvent rows already serialized as a <c>{"rows":[...]}</c> body (the writer sizes its batches by bytes),
    /// retried within the push limits, and never sent after <paramref name="sendBy"/>.
    /// </summary>
    /// <param name="turn">The first attempt's turn, when the writer took it ahead of the batch.</param>
    public async Task PostFactRowsAsync(string datasetId, ReadOnlyMemory<byte> body, int rows, DateTimeOffset sendBy, PushTurn? turn, CancellationToken cancellationToken)
    {
        using var response = await push.SendFactRowsAsync(token =>
        {
            var content = new ReadOnlyMemoryContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return Http.PostAsync(RowsPath(datasetId, TableNames.FactEvent), content, token);
        }, rows, sendBy, turn, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Adds rows in one request, in its turn within the push limits.</summary>
    public async Task AddRowsAsync<TRow>(string datasetId, string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        using var response = await push.SendRowsAsync(
            token => Http.PostAsync(RowsPath(datasetId, table), JsonContent.Create(new RowsDto<TRow>(rows), options: RowJson), token), rows.Count, cancellationToken);
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
        throw new PowerBiException(response.StatusCode, error?.Code, error?.Message ?? response.ReasonPhrase, requestId);
    }
}
