namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Inside the retry, so every attempt of a FactEvent POST pays: it waits for its turn within the push limits, and
/// is not sent once its <see cref="FactPost.SendBy"/> has passed (a claim that old may have been taken over, and
/// posting then would land the facts twice).
/// </summary>
public sealed class PushLimitHandler(PushLimiter limiter, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(FactPost.Rows, out var rows))
        {
            if (request.Options.TryGetValue(FactPost.PostSlotHeld, out var held) && held)
            {
                request.Options.Set(FactPost.PostSlotHeld, false); // this attempt uses it; a retry takes its own
                await limiter.AcquireRowsAsync(rows, cancellationToken);
            }
            else
            {
                await limiter.AcquireAsync(rows, cancellationToken);
            }
        }

        if (request.Options.TryGetValue(FactPost.SendBy, out var sendBy) && clock.GetUtcNow() > sendBy)
        {
            throw new PowerBiUnavailableException($"A FactEvent POST was still waiting for its turn at {sendBy:O}; its deliveries are redriven instead.");
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
