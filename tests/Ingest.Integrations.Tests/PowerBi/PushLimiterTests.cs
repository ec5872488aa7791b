using Ingest.Core.Embedded;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.PowerBi;

public class PushLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private readonly InMemoryPushBudget _budget = new();

    private PushLimiter Limiter(PowerBiWriterOptions writer) => new(Options.Create(new PowerBiOptions { WorkspaceId = "w", Writer = writer }), _budget, _clock);

    /// <summary>Advances the clock by <paramref name="simulated"/> in a hundred steps, letting the limiter run between them.</summary>
    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan simulated)
    {
        for (var step = 0; step < 100 && !task.IsCompleted; step++)
        {
            await Task.Delay(2);
            _clock.Advance(simulated / 100);
        }

        await Task.Delay(20);
        return task.IsCompleted;
    }

    [Fact]
    public async Task PacesPostsEvenlyAtThePerMinuteRate()
    {
        var limiter = Limiter(new PowerBiWriterOptions());
        await limiter.AcquireAsync(1, CancellationToken.None);

        var second = limiter.AcquireAsync(1, CancellationToken.None);

        Assert.False(await CompletesWithinAsync(second, TimeSpan.FromMilliseconds(400)));
        Assert.True(await CompletesWithinAsync(second, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task SwitchesToTheHourlyLimitOnceFactEventIsLarge()
    {
        var limiter = Limiter(new PowerBiWriterOptions { LargeTableRows = 100, MaxPostsPerHourWhenLarge = 120 });
        await limiter.AcquireAsync(100, CancellationToken.None);
        await limiter.FactRowsLandedAsync(100, CancellationToken.None);

        var next = limiter.AcquireAsync(1, CancellationToken.None);

        Assert.True(limiter.LargeTableRegime);
        Assert.False(await CompletesWithinAsync(next, TimeSpan.FromSeconds(29)));
        Assert.True(await CompletesWithinAsync(next, TimeSpan.FromSeconds(2))); // one POST every 30 s
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

        Assert.False(await CompletesWithinAsync(over, TimeSpan.FromMinutes(59)));
        Assert.True(await CompletesWithinAsync(over, TimeSpan.FromMinutes(2)));
    }
}
