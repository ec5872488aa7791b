using Ingest.Testing;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>DynamoDB Local and Azurite for the durability tests, started once and stopped at the end.</summary>
public sealed class RealDependencies : IAsyncLifetime
{
    public DynamoDbLocal Dynamo { get; private set; } = null!;
    public Azurite Azurite { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var dynamo = DynamoDbLocal.StartAsync();
        var azurite = Azurite.StartAsync();
        (Dynamo, Azurite) = (await dynamo, await azurite);
    }

    public async Task DisposeAsync()
    {
        await Dynamo.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RealDependenciesCollection : ICollectionFixture<RealDependencies>
{
    public const string Name = "DynamoDB Local and Azurite";
}

/// <summary>
/// The fault campaign's own DynamoDB Local and Azurite (it uses the product's fixed queue names), so the campaign
/// runs beside the durability tests instead of after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultCampaignDependenciesCollection : ICollectionFixture<RealDependencies>
{
    public const string Name = "The fault campaign's DynamoDB Local and Azurite";
}
