using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>Faults around the coalescing writer that must reach its callers instead of stalling them.</summary>
public sealed class WriterFaultTests
{
    /// <summary>A shared push budget whose store answers <paramref name="healthyTakes"/> takes, then is down for <paramref name="failures"/>.</summary>
    private sealed class FlakyBudget(int healthyTakes, int failures) : IPushBudget
    {
        private readonly InMemoryPushBudget _inner = new();
        private int _takes;

        private void FailWhileDown()
        {
            var take = Interlocked.Increment(ref _takes);
            if (take > healthyTakes && take <= healthyTakes + failures)
            {
                throw new StoreUnavailableException("the shared budget's table is unreachable", new IOException("connection refused"));
            }
        }

        public Task<bool> TryTakeAsync(string budget, DateTimeOffset windowStart, TimeSpan window, long limit, long amount, CancellationToken cancellationToken)
        {
            FailWhileDown();
            return _inner.TryTakeAsync(budget, windowStart, window, limit, amount, cancellationToken);
        }

        public Task<long> CountAsync(string counter, long amount, CancellationToken cancellationToken) => _inner.CountAsync(counter, amount, cancellationToken);

        public Task ResetCountAsync(string counter, CancellationToken cancellationToken) => _inner.ResetCountAsync(counter, cancellationToken);

        public Task<string?> TryTakeSlotAsync(string pool, int slots, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
            => _inner.TryTakeSlotAsync(pool, slots, lease, now, cancellationToken);

        public Task ReleaseSlotAsync(string pool, string slotToken, CancellationToken cancellationToken) => _inner.ReleaseSlotAsync(pool, slotToken, cancellationToken);
    }

    [Fact]
    public async Task AStoreFaultWhileTakingAPostSlotFailsThoseCallersAndTheWriterKeepsServing()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new FlakyBudget(healthyTakes: 0, failures: 1), new() { ["PowerBi:Writer:SharedBudget"] = "true" });
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));

        var first = rig.Writer.PostAsync([WriterRig.Row(1)], CancellationToken.None);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => clock.RunAsync(first));

        await clock.RunAsync(rig.Writer.PostAsync([WriterRig.Row(2)], CancellationToken.None));
        Assert.Equal([2L], server.Emulator.Rows(TableNames.FactEvent).Select(r => r.GetProperty("CommunicationID").GetInt64()));
    }

    [Fact]
    public async Task WhenEveryCallerInABatchIsRefusedTheWriterStopsHalvingAfterBothHalvesFailAlike()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget(), new() { ["PowerBi:Writer:FlushWindow"] = "00:00:02" });
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));

        var bad = Enumerable.Range(1, 16).Select(i => rig.Writer.PostAsync([WriterRig.Row(i, disposition: new string('x', 4001))], CancellationToken.None)).ToArray();

        foreach (var caller in bad)
        {
            await Assert.ThrowsAsync<RowsRejectedException>(() => clock.RunAsync(caller));
        }

        // The whole batch, then each half once: 3 POSTs, where halving down to single callers took 2 × 16 − 1 = 31.
        Assert.Equal(3, server.Emulator.Stats()[TableNames.FactEvent].Rejected);
        Assert.Equal(16, rig.Writer.Stats().RejectedRows);
        Assert.Empty(server.Emulator.Rows(TableNames.FactEvent));
    }

    [Fact]
    public async Task AStoreFaultWhileIsolatingABadCallerReachesEveryCallerOfTheBatch()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        // The batch's own POST and rows take the budget twice; every take after (the halves' POST slots) fails.
        var budget = new FlakyBudget(healthyTakes: 2, failures: int.MaxValue / 2);
        await using var rig = new WriterRig(server.BaseAddress, clock, budget, new() { ["PowerBi:Writer:FlushWindow"] = "00:00:02", ["PowerBi:Writer:SharedBudget"] = "true" });
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));

        var callers = Enumerable.Range(1, 4).Select(i => rig.Writer.PostAsync([WriterRig.Row(i, disposition: i == 4 ? new string('x', 4001) : "completed")], CancellationToken.None)).ToArray();

        foreach (var caller in callers)
        {
            var fault = await Record.ExceptionAsync(() => clock.RunAsync(caller));
            // Told, not left waiting (a TimeoutException here): the budget's fault, or its row's refusal.
            Assert.True(fault is StoreUnavailableException or RowsRejectedException or PowerBiUnavailableException { InnerException: StoreUnavailableException },
                $"the caller was not told: {fault?.GetType().Name ?? "it succeeded"}");
        }
    }

    [Fact]
    public async Task ACancelledCallersRowsThatWereNotSentYetNeverLand()
    {
        // The pipeline releases the claims of a caller that gave up: rows left queued would land with no claim held.
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget(), new() { ["PowerBi:Writer:FlushWindow"] = "00:00:30" });
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));
        using var giveUp = new CancellationTokenSource();

        var cancelled = rig.Writer.PostAsync([WriterRig.Row(1)], giveUp.Token);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await clock.RunAsync(rig.Writer.PostAsync([WriterRig.Row(2)], CancellationToken.None));

        Assert.Equal([2L], server.Emulator.Rows(TableNames.FactEvent).Select(r => r.GetProperty("CommunicationID").GetInt64()));
        Assert.Equal(0, rig.Writer.Stats().QueuedRows);
    }

    [Fact]
    public async Task ARefusalThatRetryingCannotCureIsNotReportedAsAnOutage()
    {
        // 403 (access revoked) or 404 (dataset deleted): postponing forever would hide it; it must count toward poison.
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var rig = new WriterRig(server.BaseAddress, clock, new InMemoryPushBudget());
        await clock.RunAsync(rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));
        server.Emulator.InjectFault(403, 100);

        var refused = await Record.ExceptionAsync(() => clock.RunAsync(rig.Writer.PostAsync([WriterRig.Row(1)], CancellationToken.None)));

        Assert.IsType<PowerBiException>(refused);
        Assert.IsNotAssignableFrom<TransientFaultException>(refused);
    }
}
