using System.Net;
using System.Text;
using Azure.Storage.Queues;
using Ingest.Core.Domain;
using Ingest.Integrations.Capture;
using Ingest.PowerBiEmulator;
using Ingest.Testing;
using Xunit.Abstractions;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>
/// DESIGN.md I1 and I2 on real sockets: Azurite for capture, DynamoDB Local for the ledger, the Power BI
/// emulator over HTTP. A corpus of over 1,000 realistic deliveries meets each fault; after recovery every
/// countable event is in FactEvent exactly once, and nothing acknowledged is missing.
/// </summary>
[Collection(RealDependenciesCollection.Name)]
public sealed class DurabilityTests(RealDependencies real, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<Delivery> _corpus = Corpus.Build(factsPerSecond: 100, seconds: 5, callShare: 0.3, firstId: 70_000_000);
    private EmulatorServer _powerBi = null!;
    private TcpProxy _dynamoProxy = null!;

    private IReadOnlySet<string> Expected => _corpus.Where(d => d.ExpectedEventKey is not null).Select(d => d.ExpectedEventKey!).ToHashSet();

    public async Task InitializeAsync()
    {
        _powerBi = await EmulatorServer.StartAsync(new PushEmulator());
        _dynamoProxy = new TcpProxy(new Uri(real.Dynamo.ServiceUrl));
        await new QueueClient(real.Azurite.ConnectionString, StorageCaptureOptions.QueueName).CreateIfNotExistsAsync();
        await new QueueClient(real.Azurite.ConnectionString, StorageCaptureOptions.QueueName).ClearMessagesAsync();
        Assert.True(_corpus.Count >= 1000, $"the corpus has only {_corpus.Count} deliveries");
    }

    public async Task DisposeAsync()
    {
        await _dynamoProxy.DisposeAsync();
        await _powerBi.DisposeAsync();
    }

    private LocalHostFactory Host() => new(new()
    {
        ["LocalHost:EmbeddedPowerBi"] = "false",
        ["PowerBi:BaseUrl"] = _powerBi.BaseAddress.ToString(),
        ["PowerBi:Authentication"] = "None",
        ["PowerBi:Writer:MaxAttempts"] = "2",
        ["PowerBi:Writer:BreakerOpenFor"] = "00:00:01",
        ["DynamoDb:Enabled"] = "true",
        ["DynamoDb:Region"] = "us-east-1",
        ["DynamoDb:ServiceUrl"] = _dynamoProxy.Address.ToString(),
        ["DynamoDb:TableName"] = "d" + Guid.NewGuid().ToString("N")[..12],
        ["DynamoDb:CreateTable"] = "true",
        ["DynamoDb:RequestTimeout"] = "00:00:02",
        ["DynamoDb:MaxErrorRetry"] = "0",
        ["Capture:Backend"] = "StorageQueue",
        ["Capture:Connection"] = real.Azurite.ConnectionString,
        ["Capture:RedriveDelay"] = "00:00:01",
        ["Capture:VisibilityTimeout"] = "00:00:02",
        ["Capture:PollInterval"] = "00:00:00.200",
        ["Capture:MaxDequeueCount"] = "100",
        ["Ledger:LeaseDuration"] = "00:00:03",
        ["Logging:Level"] = "Error",
    });

    /// <summary>Posts the whole corpus with some concurrency; returns how many were acknowledged (2xx) and how many got no answer.</summary>
    private async Task<(int Acknowledged, int Refused, int Unanswered)> DeliverAsync(LocalHostFactory host, int concurrency = 32, TimeSpan? timeout = null)
    {
        var client = host.CreateClient();
        client.Timeout = timeout ?? TimeSpan.FromSeconds(60);
        int acknowledged = 0, refused = 0, unanswered = 0;
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(_corpus.Select(async delivery =>
        {
            await gate.WaitAsync();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhook/aloware") { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new("Bearer", LocalHostFactory.Token);
                using var response = await client.SendAsync(request);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref acknowledged : ref refused);
            }
            catch (TaskCanceledException)
            {
                Interlocked.Increment(ref unanswered);
            }
            finally
            {
                gate.Release();
            }
        }));
        return (acknowledged, refused, unanswered);
    }

    /// <summary>Waits until every expected fact is in FactEvent, then returns the EventKeys of every row.</summary>
    private async Task<List<string>> LandedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        List<string> keys;
        do
        {
            keys = _powerBi.Emulator.Rows(TableNames.FactEvent).Select(r => r.GetProperty("EventKey").GetString()!).ToList();
            if (Expected.IsSubsetOf(keys))
            {
                break;
            }

            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        var missing = Expected.Except(keys).Count();
        output.WriteLine($"corpus {_corpus.Count} deliveries, {Expected.Count} countable; rows {keys.Count}, distinct {keys.Distinct().Count()}, missing {missing}, 429s {_powerBi.Emulator.Stats()[TableNames.FactEvent].Throttled}");
        return keys;
    }

    private void AssertExactlyOnce(List<string> keys)
    {
        Assert.Empty(Expected.Except(keys));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.True(keys.ToHashSet().SetEquals(Expected), "a row landed that the corpus did not ask for");
    }

    [Fact]
    public async Task PowerBiDownForTheWholeBurstThenBack()
    {
        using var host = Host();
        host.CreateClient(); // start: roster load and DimAgent push before the outage
        _powerBi.Emulator.InjectFault(503, int.MaxValue);

        var (acknowledged, refused, _) = await DeliverAsync(host);
        _powerBi.Emulator.InjectFault(0, 0);

        Assert.Equal(_corpus.Count, acknowledged);
        Assert.Equal(0, refused);
        AssertExactlyOnce(await LandedAsync(TimeSpan.FromSeconds(120)));
    }

    [Fact]
    public async Task PowerBiThrottlingForAWhile()
    {
        using var host = Host();
        host.CreateClient();
        _powerBi.Emulator.InjectFault(429, int.MaxValue);

        var delivering = DeliverAsync(host);
        await Task.Delay(TimeSpan.FromSeconds(15));
        _powerBi.Emulator.InjectFault(0, 0);
        var (acknowledged, refused, _) = await delivering;

        Assert.Equal(_corpus.Count, acknowledged);
        Assert.Equal(0, refused);
        AssertExactlyOnce(await LandedAsync(TimeSpan.FromSeconds(120)));
    }

    [Fact]
    public async Task DynamoDbUnreachableDuringTheBurst()
    {
        using var host = Host();
        host.CreateClient();
        _dynamoProxy.Cut();

        var (acknowledged, refused, _) = await DeliverAsync(host);
        _dynamoProxy.Restore();

        Assert.Equal(_corpus.Count, acknowledged);
        Assert.Equal(0, refused);
        AssertExactlyOnce(await LandedAsync(TimeSpan.FromSeconds(120)));
    }
}
