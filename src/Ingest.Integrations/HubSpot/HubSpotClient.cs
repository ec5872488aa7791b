using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Ingest.Integrations.HubSpot;

public sealed record HubSpotObject(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("properties")] Dictionary<string, string?> Properties,
    [property: JsonPropertyName("propertiesWithHistory")] Dictionary<string, List<HubSpotPropertyVersion>>? History = null);

/// <summary>One past value of a property, as <c>propertiesWithHistory</c> lists them.</summary>
public sealed record HubSpotPropertyVersion([property: JsonPropertyName("value")] string? Value, [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp);

public sealed record HubSpotStage([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("metadata")] Dictionary<string, string?>? Metadata);

public sealed record HubSpotPipeline([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("stages")] List<HubSpotStage> Stages);

/// <summary>A CRM search filter; <c>IN</c> takes <see cref="Values"/>, the others <see cref="Value"/>.</summary>
public sealed record HubSpotFilter(
    [property: JsonPropertyName("propertyName")] string PropertyName,
    [property: JsonPropertyName("operator")] string Operator,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value = null,
    [property: JsonPropertyName("values"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? Values = null);

public sealed record HubSpotOwner([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("email")] string? Email);

/// <summary>
/// HubSpot's CRM REST API, typed: batch reads of up to 100 objects, searches, the ticket
/// pipelines, the owners. The private-app token, the base URL, the client-side rate limit and the retries
/// (429 with Retry-After, 5xx) are the HttpClient's handlers; see <c>AddHubSpot</c>.
/// </summary>
public sealed class HubSpotClient(HttpClient http)
{
    public const int MaxBatch = 100;

    private sealed record BatchRead(
        [property: JsonPropertyName("properties")] string[] Properties,
        [property: JsonPropertyName("propertiesWithHistory"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? WithHistory,
        [property: JsonPropertyName("inputs")] Input[] Inputs);

    private sealed record Input([property: JsonPropertyName("id")] string Id);

    private sealed record Results<T>([property: JsonPropertyName("results")] List<T> Items, [property: JsonPropertyName("paging")] Paging? Paging);

    private sealed record Paging([property: JsonPropertyName("next")] Next? Next);

    private sealed record Next([property: JsonPropertyName("after")] string? After);

    /// <param name="objectType"><c>emails</c> or <c>tickets</c>.</param>
    /// <param name="withHistory">Properties whose past values are wanted too (<c>propertiesWithHistory</c>).</param>
    public async Task<IReadOnlyList<HubSpotObject>> BatchReadAsync(
        string objectType, IReadOnlyCollection<long> ids, string[] properties, CancellationToken cancellationToken, string[]? withHistory = null)
    {
        var found = new List<HubSpotObject>(ids.Count);
        foreach (var chunk in ids.Distinct().Chunk(MaxBatch))
        {
            var request = new BatchRead(properties, withHistory, chunk.Select(id => new Input(id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
            using var response = await http.PostAsJsonAsync($"crm/v3/objects/{objectType}/batch/read", request, cancellationToken);
            response.EnsureSuccessStatusCode();
            found.AddRange((await response.Content.ReadFromJsonAsync<Results<HubSpotObject>>(cancellationToken))!.Items);
        }

        return found;
    }

    /// <summary>One page of a CRM search: its objects, the total the query matches, and where the next page starts.</summary>
    public async Task<(IReadOnlyList<HubSpotObject> Objects, int Total, string? After)> SearchAsync(
        string objectType, IReadOnlyList<HubSpotFilter> filters, string sortProperty, string[] properties, string? after, CancellationToken cancellationToken)
    {
        var request = new SearchRequest([new FilterGroup(filters)], properties, [new Sort(sortProperty, "ASCENDING")], 100, after);
        using var response = await http.PostAsJsonAsync($"crm/v3/objects/{objectType}/search", request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var page = (await response.Content.ReadFromJsonAsync<SearchResults>(cancellationToken))!;
        return (page.Items, page.Total, page.Paging?.Next?.After);
    }

    private sealed record SearchRequest(
        [property: JsonPropertyName("filterGroups")] FilterGroup[] FilterGroups,
        [property: JsonPropertyName("properties")] string[] Properties,
        [property: JsonPropertyName("sorts")] Sort[] Sorts,
        [property: JsonPropertyName("limit")] int Limit,
        [property: JsonPropertyName("after"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? After);

    private sealed record FilterGroup([property: JsonPropertyName("filters")] IReadOnlyList<HubSpotFilter> Filters);

    private sealed record Sort([property: JsonPropertyName("propertyName")] string PropertyName, [property: JsonPropertyName("direction")] string Direction);

    private sealed record SearchResults(
        [property: JsonPropertyName("total")] int Total,
        [property: JsonPropertyName("results")] List<HubSpotObject> Items,
        [property: JsonPropertyName("paging")] Paging? Paging);

    public async Task<IReadOnlyList<HubSpotPipeline>> TicketPipelinesAsync(CancellationToken cancellationToken)
        => (await http.GetFromJsonAsync<Results<HubSpotPipeline>>("crm/v3/pipelines/tickets", cancellationToken))!.Items;

    public async Task<IReadOnlyList<HubSpotOwner>> OwnersAsync(CancellationToken cancellationToken)
    {
        var owners = new List<HubSpotOwner>();
        string? after = null;
        do
        {
            var page = (await http.GetFromJsonAsync<Results<HubSpotOwner>>($"crm/v3/owners?limit=100{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}", cancellationToken))!;
            owners.AddRange(page.Items);
            after = page.Paging?.Next?.After;
        }
        while (after is not null);

        return owners;
    }
}
