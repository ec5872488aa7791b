using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Ingest.Integrations.DynamoDb;
using Ingest.Integrations.Tests.Stores;
using Ingest.Testing;

namespace Ingest.Integrations.Tests.DynamoDb;

/// <summary>The CloudFormation table under infra/ declares the key schema and TTL attribute the code uses.</summary>
[Collection(DynamoDbCollection.Name)]
[Trait("Category", "Slow")]
public class InfraTemplateTests(DynamoDbFixture dynamo)
{
    private static readonly JsonElement Table = JsonDocument.Parse(File.ReadAllText(Path.Combine(ExternalTool.RepositoryRoot, "infra", "aws", "dynamodb.template.json")))
        .RootElement.GetProperty("Resources").GetProperty("StateTable").GetProperty("Properties");

    private static Dictionary<string, string> Pairs(string property, string name, string value)
        => Table.GetProperty(property).EnumerateArray().ToDictionary(e => e.GetProperty(name).GetString()!, e => e.GetProperty(value).GetString()!);

    [Fact]
    public void KeySchemaMatchesTheCode()
    {
        Assert.Equal(new Dictionary<string, string> { [StateTable.PartitionKey] = "HASH", [StateTable.SortKey] = "RANGE" }, Pairs("KeySchema", "AttributeName", "KeyType"));
        Assert.Equal(new Dictionary<string, string> { [StateTable.PartitionKey] = "S", [StateTable.SortKey] = "S" }, Pairs("AttributeDefinitions", "AttributeName", "AttributeType"));
    }

    [Fact]
    public void TtlOnDemandAndPointInTimeRecoveryAreOn()
    {
        Assert.Equal(StateTable.TimeToLive, Table.GetProperty("TimeToLiveSpecification").GetProperty("AttributeName").GetString());
        Assert.True(Table.GetProperty("TimeToLiveSpecification").GetProperty("Enabled").GetBoolean());
        Assert.Equal("PAY_PER_REQUEST", Table.GetProperty("BillingMode").GetString());
        Assert.True(Table.GetProperty("PointInTimeRecoverySpecification").GetProperty("PointInTimeRecoveryEnabled").GetBoolean());
    }

    [Fact]
    public async Task TheTableTheLocalProvisionerCreatesHasTheTemplatesKeysAndTtl()
    {
        var options = await dynamo.Local.CreateTableAsync();
        using var client = DynamoClientFactory.Create(options);

        var described = (await client.DescribeTableAsync(options.TableName)).Table;
        var ttl = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = options.TableName });

        Assert.Equal(Pairs("KeySchema", "AttributeName", "KeyType"), described.KeySchema.ToDictionary(k => k.AttributeName, k => k.KeyType.Value));
        Assert.Equal(StateTable.TimeToLive, ttl.TimeToLiveDescription.AttributeName);
    }
}
