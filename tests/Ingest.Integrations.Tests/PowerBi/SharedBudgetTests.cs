using Ingest.Core.Domain;
using Ingest.Integrations.PowerBi;
using Ingest.Integrations.Tests.Stores;
using Ingest.PowerBiEmulator;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>Two instances' writers against one dataset: only a budget they share keeps them both within its limits.</summary>
[Collection(DynamoDbCollection.Name)]
[Trait("Category", "Slow")]
public sealed class SharedBudgetTests(DynamoDbFixture dynamo)
{
    private static async Task<(TableStats Stats, int Offered)> RunTwoWritersAsync(Func<IPushBudget> budget, bool shared)
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        var settings = new Dictionary<string, string?> { ["PowerBi:Writer:SharedBudget"] = shared ? "true" : "false" };
        await using var first = new WriterRig(server.BaseAddress, clock, budget(), settings);
        await using var second = new WriterRig(server.BaseAddress, clock, budget(), settings);
        await clock.RunAsync(first.Bootstrap.GetDatasetIdAsync(CancellationToken.None));
        await clock.RunAsync(second.Bootstrap.GetDatasetIdAsync(CancellationToken.None));

        // Each instance alone would pace at two POSTs a second: together, twice the dataset's per-minute limit.
        var posted = await WriterRig.OfferAsync(clock, 150, 90, id => Task.WhenAll(
            first.Writer.PostAsync([WriterRig.Row(id)], CancellationToken.None),
            second.Writer.PostAsync([WriterRig.Row(1_000_000 + id)], CancellationToken.None)));
        await clock.RunAsync(Task.WhenAll(posted.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default))));
        return (server.Emulator.Stats()[TableNames.FactEvent], 2 * posted.Count);
    }

    [Fact]
    public async Task TwoWritersSharingADynamoDbBudgetAreNeverThrottled()
    {
        await using var backend = await DynamoBackend.CreateAsync(dynamo);

        var (stats, offered) = await RunTwoWritersAsync(() => backend.Budget(), shared: true);

        Assert.Equal(0, stats.Throttled);
        Assert.Equal(offered, stats.Rows);
    }

    [Fact]
    public async Task TwoWritersEachWithOnlyItsOwnLimiterAreThrottled()
    {
        var (stats, _) = await RunTwoWritersAsync(() => new InMemoryPushBudget(), shared: false);

        Assert.True(stats.Throttled > 0);
    }

    /// <summary>
    /// Finding 12: Power BI allows 5 pending POST rows requests per dataset, not per instance. Slow answers keep
    /// each instance's POSTs pending; with a shared budget, two instances together never have more than 5.
    /// </summary>
    [Fact]
    public async Task TwoWritersSharingADynamoDbBudgetKeepFivePostsPendingAtMost()
    {
        await using var backend = await DynamoBackend.CreateAsync(dynamo);
        var emulator = new PushEmulator();
        emulator.SetLatency(TimeSpan.FromSeconds(2));
        await using var server = await EmulatorServer.StartAsync(emulator);
        var settings = new Dictionary<string, string?> { ["PowerBi:Writer:SharedBudget"] = "true", ["PowerBi:Writer:FlushWindow"] = "00:00:00" };
        await using var first = new WriterRig(server.BaseAddress, TimeProvider.System, backend.Budget(), settings);
        await using var second = new WriterRig(server.BaseAddress, TimeProvider.System, backend.Budget(), settings);
        await first.Bootstrap.GetDatasetIdAsync(CancellationToken.None);
        await second.Bootstrap.GetDatasetIdAsync(CancellationToken.None);

        // A row every 100 ms to each: each instance alone paces a POST every 500 ms, so 4 of its own would be pending.
        var posted = new List<Task>();
        for (var i = 0; i < 60; i++)
        {
            posted.Add(first.Writer.PostAsync([WriterRig.Row(i)], CancellationToken.None));
            posted.Add(second.Writer.PostAsync([WriterRig.Row(1_000_000 + i)], CancellationToken.None));
            await Task.Delay(100);
        }

        await Task.WhenAll(posted);
        var stats = server.Emulator.Stats()[TableNames.FactEvent];
        Assert.Equal(0, stats.Throttled);
        Assert.Equal(120, stats.Rows);
    }
}
