using System.Net.Http.Json;
using System.Net;
using System.Text;
using Azure.Storage.Queues;
using Ingest.Core.Domain;
using Ingest.Integrations.Capture;
using Ingest.Testing;
using Xunit.Abstractions;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>
/// docs/contracts.md, I1 and I2, on real sockets: Azurite for capture, DynamoDB Local for the ledger, the sink's
/// emulator over HTTP (Power BI's, and the Eventhouse's). A corpus of over 1,000 realistic deliveries meets each fault; after recovery every
/// countable event is in FactEvent exactly once, and nothing acknowledged is missing.
/// </summary>
[Trait("Category", "Slow")]
public abstract class DurabilityTests(RealDependencies real, ITestOutputHelper output, string sink) : IAsyncLifetime
{
    private readonly List<Delivery> _corpus = Corpus.Build(factsPerSecond: 100, seconds: 5, callShare: 0.3, firstId: 70_000_000);
    private SinkServer _powerBi = null!;
    private TcpProxy _dynamoProxy = null!;

    private IReadOnlySet<string> Expected => _corpus.Where(d => d.ExpectedEventKey is not null).Select(d => d.ExpectedEventKey!).ToHashSet();

    public async Task InitializeAsync()
    {
        _powerBi = await SinkServer.StartAsync(sink);
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

    private LocalHostFactory Host(string? table = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
        => new(real.HostSettings(_powerBi, _dynamoProxy.Address, table ?? NewTableName()), services);

    private static readonly TimeSpan AlowareTimeout = TimeSpan.FromSeconds(110);

    private static string NewTableName() => "d" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Posts the whole corpus with some concurrency; returns how many were acknowledged (2xx) and how many got no answer
    /// within Aloware's own timeout (110 s). The server bounds its part (capture deadline, then processing deadline);
    /// the rest is this machine's load, which the in-test fault campaign running beside these tests adds to.
    /// </summary>
    private async Task<(int Acknowledged, int Refused, int Unanswered)> DeliverAsync(LocalHostFactory host, int concurrency = 32, TimeSpan? timeout = null)
    {
        var client = host.CreateClient();
        client.Timeout = Timeout.InfiniteTimeSpan;
        int acknowledged = 0, refused = 0, unanswered = 0;
        long slowestTicks = 0;
        using var gate = new SemaphoreSlim(concurrency);
        await Task.WhenAll(_corpus.Select(async delivery =>
        {
            await gate.WaitAsync();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhook/aloware") { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new("Bearer", LocalHostFactory.Token);
                using var deadline = new CancellationTokenSource(timeout ?? AlowareTimeout);
                var sent = System.Diagnostics.Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request, deadline.Token);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref acknowledged : ref refused);
                InterlockedMax(ref slowestTicks, System.Diagnostics.Stopwatch.GetElapsedTime(sent).Ticks);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref unanswered);
            }
            finally
            {
                gate.Release();
            }
        }));
        output.WriteLine($"answered {acknowledged + refused} of {_corpus.Count}, slowest answer {TimeSpan.FromTicks(slowestTicks).TotalSeconds:F1} s");
        return (acknowledged, refused, unanswered);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>
    /// Waits until every expected fact is in FactEvent and nothing is left captured (so no redrive can still add
    /// a row), then returns the EventKeys of every row.
    /// </summary>
    private async Task<List<string>> LandedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var queue = new QueueClient(real.Azurite.ConnectionString, StorageCaptureOptions.QueueName);
        List<string> keys;
        do
        {
            var captured = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            keys = _powerBi.Emulator.Rows(TableNames.FactEvent).Select(r => r.GetProperty("EventKey").GetString()!).ToList();
            if (captured == 0 && Expected.IsSubsetOf(keys))
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

    /// <summary>
    /// Only a worker that died between its POST and its ledger complete may land a fact again, with the same EventKey:
    /// at most one extra copy per such death (docs/contracts.md, I3).
    /// </summary>
    private void AssertOneCopyPerDeathAfterPosting(List<string> keys, Crash crash)
    {
        Assert.Empty(Expected.Except(keys));
        Assert.True(keys.ToHashSet().SetEquals(Expected), "a row landed that the corpus did not ask for");
        Assert.All(keys.GroupBy(k => k), g => Assert.True(g.Count() <= 1 + crash.DeathsAfterPosting(g.Key),
            $"{g.Key} landed {g.Count()} times after {crash.DeathsAfterPosting(g.Key)} deaths after posting it"));
        output.WriteLine($"facts posted by a worker that then died twice: {Expected.Count(k => crash.DeathsAfterPosting(k) > 1)}");
    }

    [Fact]
    public async Task TheSinkDownForTheWholeBurstThenBack()
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
    public async Task TheSinkThrottlingForAWholeMinute()
    {
        using var host = Host();
        host.CreateClient();
        _powerBi.Emulator.InjectFault(429, int.MaxValue);

        var delivering = DeliverAsync(host);
        await Task.Delay(TimeSpan.FromMinutes(1));
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

    /// <summary>
    /// A worker dies at the point for every delivery it takes (its callers get no answer); a second worker over
    /// the same queue and ledger then redrives what the first left.
    /// </summary>
    [Theory]
    [InlineData(CrashPoint.AfterCapture)]
    [InlineData(CrashPoint.AfterClaim)]
    [InlineData(CrashPoint.AfterPost)]
    [InlineData(CrashPoint.AfterComplete)]
    public async Task AWorkerDiesBetweenTwoSteps(CrashPoint point)
    {
        var table = NewTableName();
        var crash = new Crash(point);
        // Its leases outlive it: a later delivery of the same call finds the fact in progress instead of taking
        // it over, so each fact meets one crash; the survivor takes the facts over when the leases lapse.
        var dead = Host(table, crash.Install);
        // Real sockets, so a caller gives up on a dead worker as Aloware would: by its own timeout.
        dead.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            var (_, refused, unanswered) = await DeliverAsync(dead, concurrency: 256, timeout: TimeSpan.FromSeconds(3)).WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(0, refused);
            Assert.True(crash.Count > 0 && unanswered > 0, $"nothing died at {point}");
            output.WriteLine($"{point}: {crash.Count} requests died, {unanswered} deliveries unanswered");

            using var survivor = Host(table);
            survivor.CreateClient();
            var keys = await LandedAsync(TimeSpan.FromSeconds(120));
            if (point == CrashPoint.AfterPost)
            {
                AssertOneCopyPerDeathAfterPosting(keys, crash);
            }
            else
            {
                AssertExactlyOnce(keys);
            }
        }
        finally
        {
            crash.Bury();
            dead.Dispose();
        }
    }

    [Fact]
    public async Task HealthProbesEachRealDependency()
    {
        using var host = Host();
        var client = host.CreateClient();
        var health = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        foreach (var name in new[] { "dynamodb", "captureQueue", _powerBi.HealthName })
        {
            Assert.True(health.GetProperty("dependencies").GetProperty(name).GetProperty("reachable").GetBoolean(), $"{name} unreachable");
        }

        _dynamoProxy.Cut();
        try
        {
            // A loaded machine can time a probe out; the claim is only that a DynamoDB outage degrades and never refuses.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            System.Text.Json.JsonElement body;
            do
            {
                await Task.Delay(Functions.Health.HealthReporter.CacheFor + TimeSpan.FromSeconds(1));
                using var response = await client.GetAsync("/api/health");
                body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
                output.WriteLine($"{(int)response.StatusCode}: {body}");
                Assert.Equal(response.StatusCode == HttpStatusCode.OK, body.GetProperty("status").GetString() != "unavailable");
            }
            while (body.GetProperty("status").GetString() == "unavailable" && DateTime.UtcNow < deadline);

            Assert.Equal("degraded", body.GetProperty("status").GetString());
            Assert.False(body.GetProperty("dependencies").GetProperty("dynamodb").GetProperty("reachable").GetBoolean());
            Assert.True(body.GetProperty("dependencies").GetProperty("captureQueue").GetProperty("reachable").GetBoolean());
        }
        finally
        {
            _dynamoProxy.Restore();
        }
    }
}

[Collection(RealDependenciesCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DurabilityOnPowerBiTests(RealDependencies real, ITestOutputHelper output) : DurabilityTests(real, output, LocalHostFactory.PowerBi);

[Collection(RealDependenciesCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DurabilityOnEventhouseTests(RealDependencies real, ITestOutputHelper output) : DurabilityTests(real, output, LocalHostFactory.Eventhouse);
