using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>
/// The two-phase ledger on DynamoDB (docs/contracts.md, I4). Claim is one conditional PutItem that returns the old
/// item on a conflict (ReturnValuesOnConditionCheckFailure=ALL_OLD), so a conflict costs no second read.
/// Complete and release are conditioned on the owner token. An expired record that TTL has not removed yet
/// counts as absent, because TTL deletion can lag by days.
/// </summary>
public sealed class DynamoLedger(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, IOptions<LedgerOptions> ledger, TimeProvider clock) : ILedger
{
    private const string InProgress = "IN_PROGRESS";
    private const string Completed = "COMPLETED";

    private string Table => options.Value.TableName;

    private static string Pk(string key) => "LEDGER#" + key;

    public Task<LedgerClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        // One token for every attempt: a put that landed but whose answer was lost is retried (by the SDK, or
        // by a caller) and then fails its own condition; finding our own token means the claim is ours.
        var token = Guid.NewGuid().ToString("N");
        return ReleaseIfUnansweredAsync(key, token, DynamoErrors.TransientAsync("ledger claim", async () =>
        {
            var now = clock.GetUtcNow();
            var item = Key(Pk(key));
            item["status"] = S(InProgress);
            item["owner"] = S(token);
            item["leaseExpiresAtMs"] = Number((now + ledger.Value.LeaseDuration).ToUnixTimeMilliseconds());
            item[TimeToLive] = Epoch(now + ledger.Value.Retention);
            item["fingerprint"] = S(fingerprint);
            try
            {
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(pk) OR expiresAt <= :nowSec OR (#status = :inProgress AND leaseExpiresAtMs <= :nowMs)",
                    ExpressionAttributeNames = new() { ["#status"] = "status" },
                    ExpressionAttributeValues = new()
                    {
                        [":nowSec"] = Epoch(now),
                        [":nowMs"] = Number(now.ToUnixTimeMilliseconds()),
                        [":inProgress"] = S(InProgress),
                    },
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                }, cancellationToken);
                return new LedgerClaim(ClaimStatus.Acquired, token, null);
            }
            catch (ConditionalCheckFailedException conflict)
            {
                var status = Text(conflict.Item, "status");
                if (status == InProgress && Text(conflict.Item, "owner") == token)
                {
                    return new LedgerClaim(ClaimStatus.Acquired, token, null);
                }

                return new LedgerClaim(status == Completed ? ClaimStatus.AlreadyCompleted : ClaimStatus.InProgress, null, Text(conflict.Item, "fingerprint"));
            }
        }, cancellationToken));
    }

    /// <summary>
    /// A claim that failed without an answer may still have been stored: give it back at once (best effort), so
    /// the redrive need not wait out a whole lease held by nobody.
    /// </summary>
    private async Task<LedgerClaim> ReleaseIfUnansweredAsync(string key, string token, Task<LedgerClaim> claiming)
    {
        try
        {
            return await claiming;
        }
        catch (StoreUnavailableException)
        {
            try
            {
                await ReleaseAsync(key, token, CancellationToken.None);
            }
            catch (StoreUnavailableException)
            {
                // Still down: the orphan, if there is one, lapses with its lease.
            }

            throw;
        }
    }

    public Task<bool> CompleteAsync(string key, string ownerToken, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("ledger complete", async () =>
        {
            try
            {
                await dynamo.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = Table,
                    Key = Key(Pk(key)),
                    UpdateExpression = "SET #status = :completed, expiresAt = :expires REMOVE leaseExpiresAtMs",
                    ConditionExpression = "#owner = :owner AND #status = :inProgress",
                    ExpressionAttributeNames = new() { ["#status"] = "status", ["#owner"] = "owner" },
                    ExpressionAttributeValues = new()
                    {
                        [":completed"] = S(Completed),
                        [":inProgress"] = S(InProgress),
                        [":owner"] = S(ownerToken),
                        [":expires"] = Epoch(clock.GetUtcNow() + ledger.Value.Retention),
                    },
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                }, cancellationToken);
                return true;
            }
            catch (ConditionalCheckFailedException conflict)
            {
                // Completed with our token: a retry of a complete that landed but whose answer was lost.
                return Text(conflict.Item, "status") == Completed && Text(conflict.Item, "owner") == ownerToken;
            }
        }, cancellationToken);

    public Task<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("ledger release", async () =>
        {
            try
            {
                await dynamo.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = Table,
                    Key = Key(Pk(key)),
                    ConditionExpression = "#owner = :owner AND #status = :inProgress",
                    ExpressionAttributeNames = new() { ["#status"] = "status", ["#owner"] = "owner" },
                    ExpressionAttributeValues = new() { [":owner"] = S(ownerToken), [":inProgress"] = S(InProgress) },
                }, cancellationToken);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);

    public Task<ClaimStatus?> PeekAsync(string key, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("ledger peek", async () =>
        {
            var item = (await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = Key(Pk(key)), ConsistentRead = true }, cancellationToken)).Item;
            var now = clock.GetUtcNow();
            if (item is not { Count: > 0 } || Number(item, TimeToLive) <= now.ToUnixTimeSeconds())
            {
                return (ClaimStatus?)null;
            }

            return Text(item, "status") == Completed ? ClaimStatus.AlreadyCompleted
                : Number(item, "leaseExpiresAtMs") > now.ToUnixTimeMilliseconds() ? ClaimStatus.InProgress
                : null;
        }, cancellationToken);
}
