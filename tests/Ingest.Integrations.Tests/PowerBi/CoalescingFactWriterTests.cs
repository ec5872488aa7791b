using Ingest.Core.Domain;
using Ingest.Integrations.PowerBi;
using Ingest.Integrations.Sinks;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>The coalescing writer against the emulator over real HTTP, with Power BI's real limits enforced.</summary>
[Trait("Category", "Slow")]
public sealed class CoalescingFactWriterTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task SustainedLoadAtTheDatasetCeilingLandsEveryRowWithoutA429()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget());

        // 277 rows a second (1M rows an hour) for three simulated minutes.
        var posted = await WriterRig.OfferAsync(clock, 280, 180, id => rig.Writer.PostAsync([WriterRig.Row(id)], CancellationToken.None));
        await clock.RunAsync(Task.WhenAll(posted));

        var stats = server.Emulator.Stats()[TableNames.FactEvent];
        var writer = rig.Writer.Stats();
        output.WriteLine($"offered {posted.Count} rows; landed {stats.Rows} in {stats.Posts} POSTs ({writer.RowsPerPost:F1} rows/POST); 429s {stats.Throttled}; mean flush latency {writer.MeanFlushLatency.TotalMilliseconds:F0} ms (simulated), max {writer.MaxFlushLatency.TotalMilliseconds:F0} ms");
        Assert.Equal(posted.Count, stats.Rows);
        Assert.Equal(0, stats.Throttled);
        Assert.InRange(stats.Posts, 1, 180 * 2 + 1); // at most two POSTs a second
        Assert.Equal(stats.Posts, rig.Writer.Stats().Posts);
    }

    [Fact]
    public async Task HonoursRetryAfterAndLandsTheRows()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget());
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));
        server.Emulator.InjectFault(429, 1);

        var started = clock.Clock.GetUtcNow();
        await clock.RunAsync(rig.Writer.PostAsync([WriterRig.Row(1)], CancellationToken.None));

        Assert.True(clock.Clock.GetUtcNow() - started >= TimeSpan.FromSeconds(1), "the writer retried before Retry-After");
        Assert.Equal(1, rig.Writer.Stats().Throttled);
        Assert.Equal(1, rig.Writer.Stats().Retries);
        Assert.Single(server.Emulator.Rows(TableNames.FactEvent));
    }

    [Fact]
    public async Task RetriesServerFaultsWithBackoff()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget());
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));
        server.Emulator.InjectFault(503, 2);

        await clock.RunAsync(rig.Writer.PostAsync([WriterRig.Row(1)], CancellationToken.None));

        Assert.Equal(2, rig.Writer.Stats().Retries);
        Assert.Single(server.Emulator.Rows(TableNames.FactEvent));
    }

    [Fact]
    public async Task GivesUpAfterItsAttemptsAndThenOpensTheCircuit()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget(), new()
        {
            ["PowerBi:Writer:MaxAttempts"] = "2",
            ["PowerBi:Writer:BreakerFailures"] = "2",
        });
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));
        server.Emulator.InjectFault(503, 1000);

        await Assert.ThrowsAsync<PowerBiUnavailableException>(() => clock.RunAsync(rig.Writer.PostAsync([WriterRig.Row(1)], CancellationToken.None)));
        await Assert.ThrowsAsync<PowerBiUnavailableException>(() => clock.RunAsync(rig.Writer.PostAsync([WriterRig.Row(2)], CancellationToken.None)));
        var sentBefore = clock.Sent;

        var open = await Assert.ThrowsAsync<PowerBiUnavailableException>(() => clock.RunAsync(rig.Writer.PostAsync([WriterRig.Row(3)], CancellationToken.None)));

        Assert.Contains("not calling it", open.Message);
        Assert.True(rig.Writer.Stats().CircuitOpen);
        Assert.InRange(rig.Circuit.RefusingFor, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(30)); // the redrive waits this out
        Assert.Equal(sentBefore, clock.Sent); // the open circuit sent nothing
    }

    [Fact]
    public async Task IsolatesTheCallerWhoseRowPowerBiRefusesAndLandsTheRest()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget(), new() { ["PowerBi:Writer:FlushWindow"] = "00:00:02" });
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));

        var good = Enumerable.Range(1, 9).Select(i => rig.Writer.PostAsync([WriterRig.Row(i)], CancellationToken.None)).ToArray();
        var bad = rig.Writer.PostAsync([WriterRig.Row(99, disposition: new string('x', 4001))], CancellationToken.None);

        await clock.RunAsync(Task.WhenAll(good));
        var refused = await Assert.ThrowsAsync<RowsRejectedException>(() => clock.RunAsync(bad));
        Assert.Contains("4000", refused.Message);
        Assert.Equal(9, server.Emulator.Rows(TableNames.FactEvent).Count);
        Assert.Equal(1, rig.Writer.Stats().RejectedRows);
    }

    [Fact]
    public async Task RefusesAtOnceWhenItsQueueIsFull()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget(), new()
        {
            ["PowerBi:Writer:MaxQueuedRows"] = "10",
            ["PowerBi:Writer:MaxRowsPerPost"] = "10",
            ["PowerBi:Writer:FlushWindow"] = "00:00:30",
        });

        var queued = Enumerable.Range(1, 9).Select(i => rig.Writer.PostAsync([WriterRig.Row(i)], CancellationToken.None)).ToArray();

        await Assert.ThrowsAsync<WriterSaturatedException>(() => rig.Writer.PostAsync([WriterRig.Row(10), WriterRig.Row(11)], CancellationToken.None));
        await clock.RunAsync(Task.WhenAll(queued));
        Assert.Equal(9, server.Emulator.Rows(TableNames.FactEvent).Count);
    }

    [Fact]
    public async Task NeverHasMoreThanFivePostsInFlight()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        var emulator = server.Emulator;
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget());
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));
        emulator.SetLatency(TimeSpan.FromSeconds(4)); // each POST stays pending for eight pacing intervals

        var posted = await WriterRig.OfferAsync(clock, 100, 20, id => rig.Writer.PostAsync([WriterRig.Row(id)], CancellationToken.None));
        await clock.RunAsync(Task.WhenAll(posted));

        Assert.Equal(0, emulator.Stats()[TableNames.FactEvent].Throttled);
        Assert.Equal(posted.Count, emulator.Rows(TableNames.FactEvent).Count);
    }
}
