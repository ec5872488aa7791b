using Ingest.Integrations.DynamoDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Integrations.Tests.Stores;

/// <summary>Every start-up step that creates something is safe when another instance does the same at the same moment.</summary>
[Collection(DynamoDbCollection.Name)]
[Trait("Category", "Slow")]
public sealed class StateTableProvisionerTests(DynamoDbFixture dynamo)
{
    [Fact]
    public async Task InstancesStartingTogetherAllProvisionTheSameTable()
    {
        for (var round = 0; round < 3; round++)
        {
            var options = Microsoft.Extensions.Options.Options.Create(dynamo.Local.Options("race" + Guid.NewGuid().ToString("N")[..10]));
            var clients = Enumerable.Range(0, 4).Select(_ => DynamoClientFactory.Create(options.Value)).ToArray();
            try
            {
                await Task.WhenAll(clients.Select(c => new StateTableProvisioner(c, options, NullLogger<StateTableProvisioner>.Instance).EnsureTableAsync(CancellationToken.None)));

                var ttl = await clients[0].DescribeTimeToLiveAsync(options.Value.TableName);
                Assert.Equal(StateTable.TimeToLive, ttl.TimeToLiveDescription.AttributeName);
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }
            }
        }
    }

    [Fact]
    public async Task ATableCreatedWithoutItsTtlGetsItOnTheNextStart()
    {
        var options = Microsoft.Extensions.Options.Options.Create(dynamo.Local.Options("nottl" + Guid.NewGuid().ToString("N")[..10]));
        using var client = DynamoClientFactory.Create(options.Value);
        // An instance that died between creating the table and enabling TTL.
        await client.CreateTableAsync(new Amazon.DynamoDBv2.Model.CreateTableRequest
        {
            TableName = options.Value.TableName,
            BillingMode = Amazon.DynamoDBv2.BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new(StateTable.PartitionKey, "S"), new(StateTable.SortKey, "S")],
            KeySchema = [new(StateTable.PartitionKey, "HASH"), new(StateTable.SortKey, "RANGE")],
        });

        await new StateTableProvisioner(client, options, NullLogger<StateTableProvisioner>.Instance).EnsureTableAsync(CancellationToken.None);

        var ttl = await client.DescribeTimeToLiveAsync(options.Value.TableName);
        Assert.Equal("ENABLED", ttl.TimeToLiveDescription.TimeToLiveStatus.Value);
    }

    [Fact]
    public async Task AHostStartingWhileDynamoDbIsUnreachableStartsAndProvisionsOnceItAnswers()
    {
        // Found by the fault campaign: a host restarted during a DynamoDB outage crashed at start, again and again.
        await using var proxy = new Ingest.Testing.TcpProxy(new Uri(dynamo.Local.ServiceUrl));
        var settings = dynamo.Local.Options("late" + Guid.NewGuid().ToString("N")[..10]);
        settings.ServiceUrl = proxy.Address.ToString();
        settings.RequestTimeout = TimeSpan.FromSeconds(2);
        settings.MaxErrorRetry = 0;
        var options = Microsoft.Extensions.Options.Options.Create(settings);
        using var client = DynamoClientFactory.Create(settings);
        var provisioner = new StateTableProvisioner(client, options, NullLogger<StateTableProvisioner>.Instance);
        proxy.Cut();

        await provisioner.StartAsync(CancellationToken.None); // does not throw: the host starts
        proxy.Restore();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        Amazon.DynamoDBv2.Model.DescribeTimeToLiveResponse? ttl = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                ttl = await client.DescribeTimeToLiveAsync(settings.TableName);
                if (ttl.TimeToLiveDescription.TimeToLiveStatus == "ENABLED")
                {
                    break;
                }
            }
            catch (Amazon.DynamoDBv2.Model.ResourceNotFoundException)
            {
            }

            await Task.Delay(500);
        }

        await provisioner.StopAsync(CancellationToken.None);
        Assert.Equal("ENABLED", ttl?.TimeToLiveDescription.TimeToLiveStatus.Value);
    }
}
