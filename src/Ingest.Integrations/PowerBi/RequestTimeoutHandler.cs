namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Gives each request <paramref name="timeout"/> to be answered, from the moment it is sent (after any wait for a
/// pending-POST slot), and fails it as <see cref="HttpClient"/> would: a <see cref="TaskCanceledException"/> over a <see cref="TimeoutException"/>.
/// </summary>
public sealed class RequestTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answered.CancelAfter(timeout);
        try
        {
            return await base.SendAsync(request, answered.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskCanceledException($"Power BI did not answer within {timeout}.", new TimeoutException(e.Message));
        }
    }
}
