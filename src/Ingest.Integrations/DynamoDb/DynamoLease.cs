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
    /// <param name="holder">How the owner describes itself to those the lease turns away; kept with the item.</param>
    /// <returns>Not taken while another owner holds a live lease, with that owner's description.</returns>
    public static async Task<(bool Taken, string? HeldBy)> TryTakeAsync(
        IAmazonDynamoDB dynamo, string table, Dictionary<string, AttributeValue> key, string owner, string? holder, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>(key)
        {
            ["owner"] = S(owner),
            ["leaseExpiresAtMs"] = Number((now + lease).ToUnixTimeMilliseconds()),
            [TimeToLive] = Epoch(now + lease + TimeSpan.FromDays(1)),
        };
        if (holder is not null)
        {
            item["holder"] = S(holder);
        }
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
            return (true, null);
        }
        catch (ConditionalCheckFailedException conflict)
        {
            // Our own put, retried by the SDK after its answer was lost: the item is ours.
            return Text(conflict.Item, "owner") == owner ? (true, null) : (false, Text(conflict.Item, "holder"));
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
