using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.PowerBi;

public class PushLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private readonly InMemoryPushBudget _budget = new();

    private PushLimiter Limiter(PowerBiWriterOptions writer) => new(Options.Create(new PowerBiOptions { WorkspaceId = "w", Writer = writer }), _budget, _clock);

    // The limiter's wait is a timer on the fake clock, registered before its call returns, so only a step of the
    // clock past it can let the task through; real time only gives the continuation a moment to run.

    /// <summary>Moves the fake clock by <paramref name="simulated"/>; true when the task is still held (given 200 ms to show otherwise).</summary>
    private async Task<bool> StillWaitingAfterAsync(Task task, TimeSpan simulated)
    {
        _clock.Advance(simulated);
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(200)));
        return !task.IsCompleted;
    }

    /// <summary>Moves the fake clock by <paramref name="simulated"/>; true once the task went through (within 10 s of real time).</summary>
    private async Task<bool> ThroughAfterAsync(Task task, TimeSpan simulated)
    {
        _clock.Advance(simulated);
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10)));
        return task.IsCompletedSuccessfully;
    }

    [Fact]
    public async Task PacesPostsEvenlyAtThePerMinuteRate()
    {
        var limiter = Limiter(new PowerBiWriterOptions());
        await limiter.AcquireAsync(1, CancellationToken.None);

        var second = limiter.AcquireAsync(1, CancellationToken.None);

        Assert.True(await StillWaitingAfterAsync(second, TimeSpan.FromMilliseconds(400)));
        Assert.True(await ThroughAfterAsync(second, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task SwitchesToTheHourlyLimitOnceFactEventIsLarge()
    {
        var limiter = Limiter(new PowerBiWriterOptions { LargeTableRows = 100, MaxPostsPerHourWhenLarge = 120 });
        await limiter.AcquireAsync(100, CancellationToken.None);
        await limiter.FactRowsLandedAsync(100, CancellationToken.None);

        var next = limiter.AcquireAsync(1, CancellationToken.None);

        Assert.True(limiter.LargeTableRegime);
        Assert.True(await StillWaitingAfterAsync(next, TimeSpan.FromSeconds(29)));
        Assert.True(await ThroughAfterAsync(next, TimeSpan.FromSeconds(2))); // one POST every 30 s
    }

    [Fact]
    public async Task ANewInstanceOverTheSameStoreStartsInTheLargeTableRegime()
    {
        var writer = new PowerBiWriterOptions { LargeTableRows = 100 };
        var first = Limiter(writer);
        await first.AcquireAsync(100, CancellationToken.None);
        await first.FactRowsLandedAsync(100, CancellationToken.None);

        var restarted = Limiter(writer);
        await restarted.AcquireAsync(1, CancellationToken.None);

        Assert.True(restarted.LargeTableRegime);
    }

    [Fact]
    public async Task WaitsForRowsPerHourToFreeUp()
    {
        var limiter = Limiter(new PowerBiWriterOptions { MaxRowsPerHour = 10_000 });
        await limiter.AcquireAsync(8_000, CancellationToken.None);

        var over = limiter.AcquireAsync(3_000, CancellationToken.None);

        Assert.True(await StillWaitingAfterAsync(over, TimeSpan.FromMinutes(59)));
        Assert.True(await ThroughAfterAsync(over, TimeSpan.FromMinutes(2)));
    }
}
