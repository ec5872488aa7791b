using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Gated facts, one partition per agent so a roster change replays them with one query; they expire by TTL.</summary>
public sealed class DynamoQuarantineStore(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, TimeProvider clock) : IQuarantineStore
{
    private string Table => options.Value.TableName;

    private const string Prefix = "QUARANTINE#";

    private static string Pk(long agentId) => Prefix + agentId;

    public Task AddAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("quarantine add", async () =>
        {
            var expires = Epoch(clock.GetUtcNow() + options.Value.QuarantineRetention);
            foreach (var row in rows)
            {
                var item = Key(Pk(row.AgentID), row.EventKey);
                item["row"] = S(JsonSerializer.Serialize(row));
                item[TimeToLive] = expires;
                try
                {
                    // The first quarantined copy of a fact stands, as in the ledger.
                    await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = item, ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken);
                }
                catch (ConditionalCheckFailedException)
                {
                }
            }
        }, cancellationToken);

    public Task<IReadOnlyList<FactEventRow>> ReadAsync(IReadOnlySet<long> agentIds, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync<IReadOnlyList<FactEventRow>>("quarantine read", async () =>
        {
            var rows = new List<FactEventRow>();
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            foreach (var agent in agentIds)
            {
                // An expired item that TTL has not removed yet counts as gone.
                rows.AddRange((await DynamoPartition.QueryAsync(dynamo, Table, Pk(agent), cancellationToken))
                    .Where(item => Number(item, TimeToLive) > now)
                    .Select(item => JsonSerializer.Deserialize<FactEventRow>(item["row"].S)!));
            }

            return rows;
        }, cancellationToken);

    /// <summary>A scan of the table for quarantine partitions: an admin listing, rare enough for a scan's cost.</summary>
    public Task<IReadOnlyList<FactEventRow>> ReadAllAsync(CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync<IReadOnlyList<FactEventRow>>("quarantine list", async () =>
        {
            var rows = new List<FactEventRow>();
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await dynamo.ScanAsync(new ScanRequest
                {
                    TableName = Table,
                    FilterExpression = "begins_with(pk, :prefix) AND #expires > :now",
                    ExpressionAttributeNames = new() { ["#expires"] = TimeToLive },
                    ExpressionAttributeValues = new() { [":prefix"] = S(Prefix), [":now"] = Epoch(clock.GetUtcNow()) },
                    ExclusiveStartKey = start,
                    ConsistentRead = true,
                }, cancellationToken);
                rows.AddRange((page.Items ?? []).Select(item => JsonSerializer.Deserialize<FactEventRow>(item["row"].S)!));
                start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (start is not null);

            return rows;
        }, cancellationToken);

    public Task RemoveAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("quarantine remove", async () =>
        {
            foreach (var row in rows)
            {
                await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = Key(Pk(row.AgentID), row.EventKey) }, cancellationToken);
            }
        }, cancellationToken);
}
