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
/// The fault campaign's own DynamoDB Local and Azurite (it uses the product's fixed queue names). It runs alone, after
/// every other collection: beside the durability tests, its two hosts and their load starved this 2-core machine
/// until Azurite took longer than the 30 s capture deadline and deliveries were refused (3 of 4 runs of the
/// durability class, on this session's code and on the code before it alike).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCampaignDependenciesCollection : ICollectionFixture<RealDependencies>
{
    public const string Name = "The fault campaign's DynamoDB Local and Azurite";
}
