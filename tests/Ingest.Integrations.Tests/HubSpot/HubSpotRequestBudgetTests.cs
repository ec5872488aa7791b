using Ingest.Integrations.HubSpot;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.HubSpot;

/// <summary>HubSpot counts a request when it arrives: a permit's 10 s (and a margin) start when its request was answered.</summary>
public sealed class HubSpotRequestBudgetTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task APermitComesBackTenSecondsAfterItsRequestWasAnsweredNotSent()
    {
        using var budget = new HubSpotRequestBudget(permitsPer10Seconds: 2, _clock);
        var slow = await budget.TakeAsync(CancellationToken.None);
        using var quick = await budget.TakeAsync(CancellationToken.None);
        var third = budget.TakeAsync(CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(3)); // the first request took 3 s to be answered
        slow.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(third.IsCompleted); // 13 s after it was sent, but only 10 s after HubSpot may have counted it

        _clock.Advance(HubSpotRequestBudget.Window - TimeSpan.FromSeconds(10));
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task ALeaseReturnedTwiceGivesBackOnePermit()
    {
        using var budget = new HubSpotRequestBudget(permitsPer10Seconds: 2, _clock);
        var lease = await budget.TakeAsync(CancellationToken.None);
        using var other = await budget.TakeAsync(CancellationToken.None);

        lease.Dispose();
        lease.Dispose();
        _clock.Advance(HubSpotRequestBudget.Window);
        await WaitUntilAsync(() => budget.Available > 0);
        await Task.Delay(100);

        Assert.Equal(1, budget.Available);
    }

    [Fact]
    public async Task AWaitingCallerWhoLeavesTakesNoPermit()
    {
        using var budget = new HubSpotRequestBudget(permitsPer10Seconds: 1, _clock);
        using var held = await budget.TakeAsync(CancellationToken.None);
        using var leaving = new CancellationTokenSource();

        var waiting = budget.TakeAsync(leaving.Token);
        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, budget.Available);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }
}
