namespace Ingest.Integrations.HubSpot;

/// <summary>
/// This instance's share of the private app's per-10-second budget, one for the process (the HTTP handlers that use
/// it are recycled, the budget must not be). A permit comes back 10.5 s after its request was answered, not after it was
/// sent: HubSpot counts a request when it arrives, which is between the two, so no 10-s span of HubSpot's sees more
/// than the budget however long a request took to arrive. A margin covers our timer and HubSpot's clock disagreeing
/// by a few milliseconds, which at exactly 10 s was enough for a 429.
/// </summary>
public sealed class HubSpotRequestBudget(int permitsPer10Seconds, TimeProvider clock) : IDisposable
{
    /// <summary>How long after its answer a permit comes back: HubSpot's 10 s and a margin.</summary>
    internal static readonly TimeSpan Window = TimeSpan.FromSeconds(10.5);
    private readonly SemaphoreSlim _permits = new(permitsPer10Seconds, permitsPer10Seconds);
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Permits free now (for the budget's own tests).</summary>
    internal int Available => _permits.CurrentCount;

    /// <summary>Waits for a permit; disposing the returned lease (once answered) starts its wait (<see cref="Window"/>).</summary>
    public async Task<IDisposable> TakeAsync(CancellationToken cancellationToken)
    {
        await _permits.WaitAsync(cancellationToken);
        return new Lease(this);
    }

    private async Task ReturnAfterWindowAsync()
    {
        try
        {
            await Task.Delay(Window, clock, _disposed.Token);
            _permits.Release();
        }
        catch (OperationCanceledException)
        {
            // The budget was disposed with the process's services: nobody waits for the permit.
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private sealed class Lease(HubSpotRequestBudget budget) : IDisposable
    {
        private int _returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                _ = budget.ReturnAfterWindowAsync();
            }
        }
    }
}

/// <summary>Every attempt, retries included, waits for a permit, so HubSpot rarely has to answer 429.</summary>
public sealed class HubSpotRateLimitHandler(HubSpotRequestBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var permit = await budget.TakeAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
