using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>The pending-POST slots: a request waits a bounded time for one, and fails as surely not sent.</summary>
public sealed class PendingPostGateTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryPushBudget _budget = new();

    private PendingPostGate Gate(bool shared) => new(
        Options.Create(new PowerBiOptions { WorkspaceId = "w", Writer = new PowerBiWriterOptions { MaxPendingPosts = 1, SharedBudget = shared } }),
        _budget, _clock, NullLogger<PendingPostGate>.Instance);

    private async Task AssertTimesOutAsync(Task<IAsyncDisposable> waiting)
    {
        for (var i = 0; i < 100 && !waiting.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        var failed = await Assert.ThrowsAsync<PostSlotTimeoutException>(() => waiting);
        Assert.False(failed.MayHaveLanded);
        Assert.True(failed.IsTransient);
    }

    [Fact]
    public async Task ARequestWaitsForThisInstancesSlotNoLongerThanTheLimit()
    {
        var gate = Gate(shared: false);
        await using var held = await gate.EnterAsync(CancellationToken.None);

        await AssertTimesOutAsync(gate.EnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AnotherInstancesSlotIsWaitedForThenTakenOnceGivenBack()
    {
        var first = Gate(shared: true);
        var second = Gate(shared: true);
        var held = await first.EnterAsync(CancellationToken.None);

        await AssertTimesOutAsync(second.EnterAsync(CancellationToken.None));
        var waiting = second.EnterAsync(CancellationToken.None);
        await held.DisposeAsync();
        for (var i = 0; i < 100 && !waiting.IsCompleted; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }

        await using var taken = await waiting;
    }
}
