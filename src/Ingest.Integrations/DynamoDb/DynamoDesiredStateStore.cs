using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Desired admin state: one partition per table, one item per scope, a conditional put per change.</summary>
public sealed class DynamoDesiredStateStore(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IDesiredStateStore
{
    private static string Pk(string table) => "DESIRED#" + table;

    public Task<bool> TryPutAsync(string table, DesiredState state, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("desired state put", async () =>
        {
            var item = Key(Pk(table), state.Scope);
            item["version"] = Number(state.Version);
            item["document"] = S(state.Document);
            try
            {
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = options.Value.TableName,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(pk) OR version <= :version",
                    ExpressionAttributeValues = new() { [":version"] = Number(state.Version) },
                }, cancellationToken);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);

    public Task<IReadOnlyList<DesiredState>> ListAsync(string table, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync<IReadOnlyList<DesiredState>>("desired state list", async () =>
        {
            var items = await DynamoPartition.QueryAsync(dynamo, options.Value.TableName, Pk(table), cancellationToken);
            return items.Select(i => new DesiredState(i[SortKey].S, Number(i, "version"), i["document"].S)).ToArray();
        }, cancellationToken);
}
