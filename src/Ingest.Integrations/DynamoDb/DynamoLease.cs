using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>
/// An item held by one owner until released or until its lease lapses: the table locks and the shared POST slots.
/// Taking is a conditional put (absent or lapsed); releasing a delete conditioned on the owner token.
/// </summary>
internal static class DynamoLease
{
    /// <returns>False while another owner holds a live lease.</returns>
    public static async Task<bool> TryTakeAsync(IAmazonDynamoDB dynamo, string table, Dictionary<string, AttributeValue> key, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>(key)
        {
            ["owner"] = S(owner),
            ["leaseExpiresAtMs"] = Number((now + lease).ToUnixTimeMilliseconds()),
            [TimeToLive] = Epoch(now + lease + TimeSpan.FromDays(1)),
        };
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = item,
                ConditionExpression = "attribute_not_exists(pk) OR leaseExpiresAtMs <= :nowMs",
                ExpressionAttributeValues = new() { [":nowMs"] = Number(now.ToUnixTimeMilliseconds()) },
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException conflict)
        {
            // Our own put, retried by the SDK after its answer was lost: the item is ours.
            return Text(conflict.Item, "owner") == owner;
        }
    }

    /// <returns>False when the caller no longer held it (its lease lapsed and another owner took it).</returns>
    public static async Task<bool> ReleaseAsync(IAmazonDynamoDB dynamo, string table, Dictionary<string, AttributeValue> key, string owner, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table,
                Key = key,
                ConditionExpression = "#owner = :owner",
                ExpressionAttributeNames = new() { ["#owner"] = "owner" },
                ExpressionAttributeValues = new() { [":owner"] = S(owner) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
