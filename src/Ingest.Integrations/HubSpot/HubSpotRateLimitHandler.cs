using System.Threading.RateLimiting;

namespace Ingest.Integrations.HubSpot;

/// <summary>
/// This instance's share of the private app's per-10-second budget, one for the process (the HTTP handlers
/// that use it are recycled, the window must not be).
/// </summary>
public sealed class HubSpotRequestBudget(int permitsPer10Seconds) : IDisposable
{
    public RateLimiter Limiter { get; } = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = permitsPer10Seconds,
        // 11 one-second segments: a permit comes back at least 10 s after it was taken, so no 10-s span
        // of HubSpot's ever sees more than the budget.
        Window = TimeSpan.FromSeconds(11),
        SegmentsPerWindow = 11,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public void Dispose() => Limiter.Dispose();
}

/// <summary>Every attempt, retries included, waits for a permit, so HubSpot rarely has to answer 429.</summary>
public sealed class HubSpotRateLimitHandler(HubSpotRequestBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await budget.Limiter.AcquireAsync(1, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
