using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>
/// One item per dimension row, in one partition per table. A reservation is a conditional put carrying an owner
/// token and a lease (the old item comes back on a conflict, so where the row stands costs no second read);
/// confirming removes both, and only the owner may confirm, unreserve or abandon.
/// </summary>
public sealed class DynamoDimRegistry(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IDimRegistry
{
    private const string Owner = "owner";
    private const string Lease = "leaseExpiresAtMs";

    private string Table => options.Value.TableName;

    private static string Pk(string table) => "DIM#" + table;

    public Task<DimReservation> TryReserveAsync(string table, string rowKey, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        return DynamoErrors.TransientAsync("dim reserve", async () =>
        {
            var item = Key(Pk(table), rowKey);
            item[Owner] = S(token);
            item[Lease] = Number((now + lease).ToUnixTimeMilliseconds());
            try
            {
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(pk)",
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                }, cancellationToken);
                return new DimReservation(DimRowStatus.Reserved, token);
            }
            catch (ConditionalCheckFailedException conflict)
            {
                var existing = conflict.Item ?? [];
                var status = Text(existing, Owner) is not { } owner ? DimRowStatus.Pushed
                    : owner == token ? DimRowStatus.Reserved // our own put, retried after its answer was lost
                    : Number(existing, Lease) > now.ToUnixTimeMilliseconds() ? DimRowStatus.Pushing
                    : DimRowStatus.Uncertain;
                return new DimReservation(status, status == DimRowStatus.Reserved ? token : null);
            }
        }, cancellationToken);
    }

    public Task<string> TakeOverAsync(string table, string rowKey, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        return DynamoErrors.TransientAsync("dim take over", async () =>
        {
            var item = Key(Pk(table), rowKey);
            item[Owner] = S(token);
            item[Lease] = Number((now + lease).ToUnixTimeMilliseconds());
            await dynamo.PutItemAsync(new PutItemRequest { TableName = Table, Item = item }, cancellationToken);
            return token;
        }, cancellationToken);
    }

    public Task ConfirmAsync(string table, string rowKey, string token, CancellationToken cancellationToken)
        => AsOwnerAsync("dim confirm", new UpdateItemRequest { UpdateExpression = $"REMOVE #owner, {Lease}" }, table, rowKey, token, cancellationToken);

    public Task AbandonAsync(string table, string rowKey, string token, CancellationToken cancellationToken)
        => AsOwnerAsync("dim abandon", new UpdateItemRequest { UpdateExpression = $"SET {Lease} = :zero", ExpressionAttributeValues = new() { [":zero"] = Number(0) } }, table, rowKey, token, cancellationToken);

    public Task UnreserveAsync(string table, string rowKey, string token, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("dim unreserve", async () =>
        {
            try
            {
                await dynamo.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = Table,
                    Key = Key(Pk(table), rowKey),
                    ConditionExpression = "#owner = :token",
                    ExpressionAttributeNames = new() { ["#owner"] = Owner },
                    ExpressionAttributeValues = new() { [":token"] = S(token) },
                }, cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
                // Confirmed, cleared or taken by a rebuild meanwhile: not ours to remove.
            }
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string table, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync<IReadOnlyList<string>>("dim list", async () =>
            (await DynamoPartition.KeysAsync(dynamo, Table, Pk(table), cancellationToken)).Select(k => k[SortKey].S).ToArray(), cancellationToken);

    private Task AsOwnerAsync(string operation, UpdateItemRequest update, string table, string rowKey, string token, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync(operation, async () =>
        {
            update.TableName = Table;
            update.Key = Key(Pk(table), rowKey);
            // "owner" is a reserved word in DynamoDB expressions.
            update.ConditionExpression = "#owner = :token";
            update.ExpressionAttributeNames = new() { ["#owner"] = Owner };
            update.ExpressionAttributeValues ??= [];
            update.ExpressionAttributeValues[":token"] = S(token);
            try
            {
                await dynamo.UpdateItemAsync(update, cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
                // Not ours any more (cleared by a rebuild): nothing to change.
            }
        }, cancellationToken);
}
