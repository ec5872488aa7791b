using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ingest.Testing;

namespace Ingest.LocalHost.Tests;

public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    public DynamoDbLocal Local { get; private set; } = null!;

    public async Task InitializeAsync() => Local = await DynamoDbLocal.StartAsync();

    public async Task DisposeAsync() => await Local.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "DynamoDB Local";
}

/// <summary>The local host switched to DynamoDB by configuration: the same answers, with state in DynamoDB Local.</summary>
[Trait("Category", "Slow")]
public abstract class DynamoDbStateTests(DynamoDbLocalFixture dynamo, string sink)
{
    private LocalHostFactory Host(string serviceUrl, string table, bool createTable = true) => new(LocalHostFactory.On(sink, new()
    {
        ["DynamoDb:Enabled"] = "true",
        ["DynamoDb:Region"] = "us-east-1",
        ["DynamoDb:ServiceUrl"] = serviceUrl,
        ["DynamoDb:TableName"] = table,
        ["DynamoDb:CreateTable"] = createTable ? "true" : "false",
        ["DynamoDb:RequestTimeout"] = "00:00:02",
        ["DynamoDb:MaxErrorRetry"] = "0",
    }));

    [Fact]
    public async Task SixDeliveriesOfACallYieldOneRowWithTheLedgerInDynamoDb()
    {
        var table = "lh" + Guid.NewGuid().ToString("N")[..10];
        using (var host = Host(dynamo.Local.ServiceUrl, table))
        {
            foreach (var sample in new[] { "call-1-initiation.json", "call-2-disposition-completed.json", "call-3-recording-saved.json", "call-4-call-disposed.json", "call-5-transcription-summarized.json", "call-6-transcription-saved.json" })
            {
                await host.AnswerOfAsync(LocalHostFactory.Sample(sample));
            }

            Assert.Single(await host.RowsAsync("FactEvent"));
        }

        // A new host on the same table (a restarted worker) still knows the call counted.
        using var restarted = Host(dynamo.Local.ServiceUrl, table);
        var repeat = await restarted.AnswerOfAsync(LocalHostFactory.Sample("call-4-call-disposed.json"));
        Assert.Equal(1, repeat.GetProperty("duplicates").GetInt32());
        Assert.Empty(await restarted.RowsAsync("FactEvent"));
    }

    [Fact]
    public async Task AnUnreachableDynamoDbDefersTheDeliveryInsteadOfFailingIt()
    {
        using var host = Host($"http://127.0.0.1:{ExternalTool.FreeLoopbackPort()}", "absent", createTable: false);

        using var response = await host.DeliverAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("deferred", answer.GetProperty("status").GetString());
    }
}

[Collection(DynamoDbCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DynamoDbStateOnPowerBiTests(DynamoDbLocalFixture dynamo) : DynamoDbStateTests(dynamo, LocalHostFactory.PowerBi);

[Collection(DynamoDbCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DynamoDbStateOnEventhouseTests(DynamoDbLocalFixture dynamo) : DynamoDbStateTests(dynamo, LocalHostFactory.Eventhouse);
