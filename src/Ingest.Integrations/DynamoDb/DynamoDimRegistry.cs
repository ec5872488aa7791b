using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>One item per pushed dimension row, in one partition per table, so a reservation is one conditional put.</summary>
public sealed class DynamoDimRegistry(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IDimRegistry
{
    private string Table => options.Value.TableName;

    private static string Pk(string table) => "DIM#" + table;

    public Task<bool> TryReserveAsync(string table, string rowKey, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("dim reserve", async () =>
        {
            try
            {
                await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = Key(Pk(table), rowKey), ConditionExpression = "attribute_not_exists(pk)" }, cancellationToken);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);

    public Task UnreserveAsync(string table, string rowKey, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("dim unreserve", () => dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = Key(Pk(table), rowKey) }, cancellationToken), cancellationToken);

    public Task ClearAsync(string table, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("dim clear", async () =>
        {
            var keys = await DynamoPartition.KeysAsync(dynamo, Table, Pk(table), cancellationToken);
            await DynamoPartition.DeleteAsync(dynamo, Table, keys, cancellationToken);
        }, cancellationToken);
}
