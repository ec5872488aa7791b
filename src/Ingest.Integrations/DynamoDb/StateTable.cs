using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Ingest.Integrations.DynamoDb;

/// <summary>
/// The single-table design: every record is an item keyed by <c>pk</c> (the record kind and its id) and
/// <c>sk</c> (the member within a collection, or "-"), with the TTL attribute <c>expiresAt</c> (epoch
/// seconds) wherever a record expires. One table keeps deployment, capacity and IAM to one resource, and
/// no access pattern here needs a join or a secondary index: each is a get, a conditional write, or a query
/// of one partition. <c>infra/aws/dynamodb.template.json</c> declares the same names; a test keeps them equal.
/// </summary>
public static class StateTable
{
    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string TimeToLive = "expiresAt";
    public const string Single = "-";

    public static Dictionary<string, AttributeValue> Key(string pk, string sk = Single) => new()
    {
        [PartitionKey] = new AttributeValue { S = pk },
        [SortKey] = new AttributeValue { S = sk },
    };

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Epoch(DateTimeOffset at) => Number(at.ToUnixTimeSeconds());

    public static long Number(Dictionary<string, AttributeValue> item, string name)
        => long.Parse(item[name].N, CultureInfo.InvariantCulture);

    public static string? Text(Dictionary<string, AttributeValue>? item, string name)
        => item is not null && item.TryGetValue(name, out var value) ? value.S : null;
}
