namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Gives each request <paramref name="timeout"/> to be answered, headers and body, from the moment it is sent (after
/// any wait for its turn or a pending-POST slot), and fails it as <see cref="HttpClient"/> would: a
/// <see cref="TaskCanceledException"/> over a <see cref="TimeoutException"/>.
/// </summary>
public sealed class RequestTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answered.CancelAfter(timeout);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, answered.Token);
            await response.Content.LoadIntoBufferAsync(answered.Token); // a body that stalls after its headers is no answer either
            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            throw new TaskCanceledException($"Power BI did not answer within {timeout}.", new TimeoutException(e.Message));
        }
    }
}
