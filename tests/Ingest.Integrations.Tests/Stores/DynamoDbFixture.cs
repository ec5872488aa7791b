using Ingest.Testing;

namespace Ingest.Integrations.Tests.Stores;

/// <summary>One DynamoDB Local for the whole assembly.</summary>
public sealed class DynamoDbFixture : IAsyncLifetime
{
    public DynamoDbLocal Local { get; private set; } = null!;

    public async Task InitializeAsync() => Local = await DynamoDbLocal.StartAsync();

    public async Task DisposeAsync() => await Local.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbFixture>
{
    public const string Name = "DynamoDB Local";
}
