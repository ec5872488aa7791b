namespace Ingest.Integrations.PowerBi;

/// <summary>
/// The push limits for every Power BI client: a POST rows request that says how many rows it carries
/// (<see cref="PushRequest.Rows"/>) waits for its turn, and is not sent once its <see cref="PushRequest.SendBy"/>
/// has passed (a claim that old may have been taken over, and posting then would land the facts twice). On the
/// FactEvent client it sits inside the retry, so every attempt pays.
/// </summary>
public sealed class PushLimitHandler(PushLimiter limiter, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(PushRequest.Rows, out var rows))
        {
            if (request.Options.TryGetValue(PushRequest.PostSlotHeld, out var held) && held)
            {
                request.Options.Set(PushRequest.PostSlotHeld, false); // this attempt uses it; a retry takes its own
                await limiter.AcquireRowsAsync(rows, cancellationToken);
            }
            else
            {
                await limiter.AcquireAsync(rows, cancellationToken);
            }
        }

        if (request.Options.TryGetValue(PushRequest.SendBy, out var sendBy) && clock.GetUtcNow() > sendBy)
        {
            throw new PowerBiUnavailableException($"A FactEvent POST was still waiting for its turn at {sendBy:O}; its deliveries are redriven instead.");
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
