using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Whole documents kept as one JSON attribute of one item: the roster and the shift rules, each small and replaced whole.</summary>
public sealed class DynamoDocuments(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options)
{
    public Task<T?> GetAsync<T>(string pk, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync($"get {pk}", async () =>
        {
            var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = options.Value.TableName, Key = Key(pk), ConsistentRead = true }, cancellationToken);
            return Text(response.Item, "doc") is { } json ? JsonSerializer.Deserialize<T>(json) : default;
        }, cancellationToken);

    public Task PutAsync<T>(string pk, T document, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync($"put {pk}", () =>
        {
            var item = Key(pk);
            item["doc"] = S(JsonSerializer.Serialize(document));
            return dynamo.PutItemAsync(new PutItemRequest { TableName = options.Value.TableName, Item = item }, cancellationToken);
        }, cancellationToken);
}
