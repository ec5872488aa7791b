using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Reading and deleting a whole partition: the collections of the single-table design.</summary>
internal static class DynamoPartition
{
    public static async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        IAmazonDynamoDB dynamo, string table, string pk, CancellationToken cancellationToken, bool newestFirst = false, int? limit = null)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var response = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "pk = :pk",
                ExpressionAttributeValues = new() { [":pk"] = S(pk) },
                ExclusiveStartKey = start,
                ScanIndexForward = !newestFirst,
                ConsistentRead = true,
                Limit = limit,
            }, cancellationToken);
            items.AddRange(response.Items ?? []);
            start = response.LastEvaluatedKey is { Count: > 0 } next && (limit is null || items.Count < limit) ? next : null;
        }
        while (start is not null);

        return limit is null ? items : items.Take(limit.Value).ToList();
    }

    public static async Task<List<Dictionary<string, AttributeValue>>> KeysAsync(IAmazonDynamoDB dynamo, string table, string pk, CancellationToken cancellationToken)
        => (await QueryAsync(dynamo, table, pk, cancellationToken)).Select(i => Key(i[PartitionKey].S, i[SortKey].S)).ToList();

    /// <summary>Deletes in batches of 25 (BatchWriteItem's maximum), resending what DynamoDB left unprocessed.</summary>
    public static async Task DeleteAsync(IAmazonDynamoDB dynamo, string table, IEnumerable<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Chunk(25))
        {
            var pending = new Dictionary<string, List<WriteRequest>>
            {
                [table] = chunk.Select(k => new WriteRequest { DeleteRequest = new DeleteRequest { Key = k } }).ToList(),
            };
            for (var attempt = 0; pending.Count > 0 && pending.Values.Sum(v => v.Count) > 0; attempt++)
            {
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Min(attempt, 20)), cancellationToken);
                }

                var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                pending = response.UnprocessedItems ?? [];
            }
        }
    }
}
