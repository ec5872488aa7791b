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

    private static string Pk(long agentId) => $"QUARANTINE#{agentId}";

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

    public Task<IReadOnlyList<FactEventRow>> TakeAsync(IReadOnlySet<long> agentIds, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync<IReadOnlyList<FactEventRow>>("quarantine take", async () =>
        {
            var taken = new List<FactEventRow>();
            var now = clock.GetUtcNow().ToUnixTimeSeconds();
            foreach (var agent in agentIds)
            {
                foreach (var item in await DynamoPartition.QueryAsync(dynamo, Table, Pk(agent), cancellationToken))
                {
                    // Delete-and-return: of two concurrent takers, only the one whose delete removed the item replays it.
                    var deleted = await dynamo.DeleteItemAsync(new DeleteItemRequest
                    {
                        TableName = Table,
                        Key = Key(item[PartitionKey].S, item[SortKey].S),
                        ReturnValues = ReturnValue.ALL_OLD,
                    }, cancellationToken);
                    if (deleted.Attributes is { Count: > 0 } old && Number(old, TimeToLive) > now)
                    {
                        taken.Add(JsonSerializer.Deserialize<FactEventRow>(old["row"].S)!);
                    }
                }
            }

            return taken;
        }, cancellationToken);
}
