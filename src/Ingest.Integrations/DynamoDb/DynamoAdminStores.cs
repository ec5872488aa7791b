using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Options;
using static Ingest.Integrations.DynamoDb.StateTable;

namespace Ingest.Integrations.DynamoDb;

/// <summary>The last applied version per admin table and scope; advancing is one conditional put.</summary>
public sealed class DynamoAdminVersionStore(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IAdminVersionStore
{
    private static string Pk(string table, string scope) => $"ADMINVER#{table}#{scope}";

    public Task<long?> GetAsync(string table, string scope, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync<long?>("admin version get", async () =>
        {
            var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = options.Value.TableName, Key = Key(Pk(table, scope)), ConsistentRead = true }, cancellationToken);
            return response.Item is { Count: > 0 } item ? Number(item, "version") : null;
        }, cancellationToken);

    public Task<bool> TryAdvanceAsync(string table, string scope, long version, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("admin version advance", async () =>
        {
            var item = Key(Pk(table, scope));
            item["version"] = Number(version);
            try
            {
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = options.Value.TableName,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(pk) OR version < :version",
                    ExpressionAttributeValues = new() { [":version"] = Number(version) },
                }, cancellationToken);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);
}

/// <summary>The audit log: one partition per admin table, sorted by time, payloads compressed when large.</summary>
public sealed class DynamoAuditLog(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IAuditLog
{
    private static string Pk(string table) => "AUDIT#" + table;

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var (stored, compressed) = AuditPayload.Pack(entry.Payload);
        var item = Key(Pk(entry.Table), $"{entry.At.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}#{Guid.NewGuid():N}");
        item["actor"] = S(entry.Actor);
        item["at"] = S(entry.At.ToString("O", CultureInfo.InvariantCulture));
        item["sha256"] = S(entry.PayloadSha256);
        item["payload"] = new AttributeValue { B = new MemoryStream(stored) };
        item["compressed"] = new AttributeValue { BOOL = compressed };
        item["outcome"] = S(entry.Outcome);
        return DynamoErrors.TransientAsync("audit append", () => dynamo.PutItemAsync(new PutItemRequest { TableName = options.Value.TableName, Item = item }, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(string table, int max, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync<IReadOnlyList<AuditEntry>>("audit list", async () =>
        {
            var items = await DynamoPartition.QueryAsync(dynamo, options.Value.TableName, Pk(table), cancellationToken, newestFirst: true, limit: max);
            return items.Select(i => new AuditEntry(
                table,
                i["actor"].S,
                DateTimeOffset.Parse(i["at"].S, CultureInfo.InvariantCulture),
                i["sha256"].S,
                AuditPayload.Unpack(i["payload"].B.ToArray(), i["compressed"].BOOL == true),
                i["outcome"].S)).ToArray();
        }, cancellationToken);
}

/// <summary>Single-use nonces: a conditional put that fails for a nonce seen within its lifetime; TTL cleans up.</summary>
public sealed class DynamoNonceStore(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, TimeProvider clock) : INonceStore
{
    public Task<bool> TryUseAsync(string nonce, TimeSpan lifetime, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("nonce use", async () =>
        {
            var now = clock.GetUtcNow();
            var item = Key("NONCE#" + nonce);
            item[TimeToLive] = Epoch(now + lifetime);
            try
            {
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = options.Value.TableName,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(pk) OR expiresAt <= :now",
                    ExpressionAttributeValues = new() { [":now"] = Epoch(now) },
                }, cancellationToken);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);
}

/// <summary>Per-table admin locks: acquire when absent or lapsed; release only with the owner token.</summary>
public sealed class DynamoTableLockStore(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, TimeProvider clock) : ITableLockStore
{
    private static string Pk(string table) => "LOCK#" + table;

    public Task<LockAttempt> TryAcquireAsync(string table, string holder, TimeSpan lease, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid().ToString("N");
        return DynamoErrors.TransientAsync("lock acquire", async () =>
        {
            var take = await DynamoLease.TryTakeAsync(dynamo, options.Value.TableName, Key(Pk(table)), owner, holder, clock.GetUtcNow(), lease, cancellationToken);
            return take.Taken ? new LockAttempt(owner, null) : new LockAttempt(null, take.HeldBy);
        }, cancellationToken);
    }

    public Task<bool> ReleaseAsync(string table, string ownerToken, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("lock release", () => DynamoLease.ReleaseAsync(dynamo, options.Value.TableName, Key(Pk(table)), ownerToken, cancellationToken), cancellationToken);
}

/// <summary>
/// A fixed-window counter per budget: one conditional ADD per take, shared by every instance. A slot of a pool
/// is one item, taken by a conditional put when absent or its lease lapsed, released by a delete conditioned on its token.
/// </summary>
public sealed class DynamoPushBudget(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IPushBudget
{
    public Task<string?> TryTakeSlotAsync(string pool, int slots, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("slot take", async () =>
        {
            // Start at a random slot, so instances racing for the pool rarely meet on the same item.
            var first = Random.Shared.Next(slots);
            for (var i = 0; i < slots; i++)
            {
                var slot = (first + i) % slots;
                var token = PushSlots.Token(slot);
                if ((await DynamoLease.TryTakeAsync(dynamo, options.Value.TableName, SlotKey(pool, slot), token, holder: null, now, lease, cancellationToken)).Taken)
                {
                    return token;
                }
            }

            return (string?)null;
        }, cancellationToken);

    public Task ReleaseSlotAsync(string pool, string slotToken, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("slot release", () => DynamoLease.ReleaseAsync(dynamo, options.Value.TableName, SlotKey(pool, PushSlots.SlotOf(slotToken)), slotToken, cancellationToken), cancellationToken);

    private static Dictionary<string, AttributeValue> SlotKey(string pool, int slot) => Key("SLOT#" + pool, slot.ToString(CultureInfo.InvariantCulture));

    public Task<long> CountAsync(string counter, long amount, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("counter add", async () =>
        {
            var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = options.Value.TableName,
                Key = Key("COUNTER#" + counter),
                UpdateExpression = "ADD runningTotal :amount",
                ExpressionAttributeValues = new() { [":amount"] = Number(amount) },
                ReturnValues = ReturnValue.UPDATED_NEW,
            }, cancellationToken);
            return Number(response.Attributes, "runningTotal");
        }, cancellationToken);

    public Task ResetCountAsync(string counter, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("counter reset", () => dynamo.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = options.Value.TableName,
            Key = Key("COUNTER#" + counter),
        }, cancellationToken), cancellationToken);

    public Task<bool> TryTakeAsync(string budget, DateTimeOffset windowStart, TimeSpan window, long limit, long amount, CancellationToken cancellationToken)
        => DynamoErrors.TransientAsync("budget take", async () =>
        {
            if (amount > limit)
            {
                return false;
            }

            try
            {
                await dynamo.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = options.Value.TableName,
                    Key = Key("BUDGET#" + budget, windowStart.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
                    UpdateExpression = "ADD used :amount SET expiresAt = :expires",
                    ConditionExpression = "attribute_not_exists(used) OR used <= :room",
                    ExpressionAttributeValues = new()
                    {
                        [":amount"] = Number(amount),
                        [":room"] = Number(limit - amount),
                        [":expires"] = Epoch(windowStart + window + TimeSpan.FromHours(1)),
                    },
                }, cancellationToken);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);
}
