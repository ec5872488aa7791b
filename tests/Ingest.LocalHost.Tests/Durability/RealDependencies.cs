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

    /// <summary>A local host on the production path: these dependencies, the sink's emulator at <paramref name="sink"/>, and short timings.</summary>
    public Dictionary<string, string?> HostSettings(SinkServer sink, Uri dynamo, string table) => new(sink.HostSettings())
    {
        ["DynamoDb:Enabled"] = "true",
        ["DynamoDb:Region"] = "us-east-1",
        ["DynamoDb:ServiceUrl"] = dynamo.ToString(),
        ["DynamoDb:TableName"] = table,
        ["DynamoDb:CreateTable"] = "true",
        ["DynamoDb:RequestTimeout"] = "00:00:02",
        ["DynamoDb:MaxErrorRetry"] = "0",
        ["Capture:Backend"] = "StorageQueue",
        ["Capture:Connection"] = Azurite.ConnectionString,
        ["Capture:RedriveDelay"] = "00:00:01",
        ["Capture:VisibilityTimeout"] = "00:00:02",
        ["Capture:PollInterval"] = "00:00:00.200",
        ["Capture:MaxDequeueCount"] = "100",
        // Longer than any delivery takes here, as production's 10 min is longer than the 5 min function timeout:
        // a lease that lapses mid-flight lets a second worker post the same fact.
        ["Ledger:LeaseDuration"] = "00:00:30",
        // Well inside Aloware's 110 s timeout, so a delivery held by a long fault is answered deferred, never left unanswered.
        ["Webhook:ProcessingDeadline"] = "00:00:20",
        ["Logging:Level"] = "Error",
    };

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
