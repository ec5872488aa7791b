using System.Net.Http.Headers;
using Azure.Core;

namespace Ingest.Integrations;

/// <summary>
/// Adds an Entra bearer token for <paramref name="scope"/> to every request to <paramref name="service"/>. The token
/// is cached and refreshed five minutes before it expires; it is never logged.
/// </summary>
public class BearerTokenHandler(TokenCredential credential, string scope, string service, TimeProvider clock) : DelegatingHandler
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private AccessToken? _token;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && cached.ExpiresOn - RefreshMargin > clock.GetUtcNow())
        {
            return cached.Token;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } again && again.ExpiresOn - RefreshMargin > clock.GetUtcNow())
            {
                return again.Token;
            }

            try
            {
                var fresh = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken);
                _token = fresh;
                return fresh.Token;
            }
            catch (Azure.Identity.AuthenticationFailedException e)
            {
                // Entra down, or a secret expired: no request reached the service, so callers treat it as an outage and
                // postpone (the health endpoint shows it unreachable) instead of spending a delivery's attempts.
                throw new HttpRequestException($"Could not get an Entra token for {service}: " + e.GetType().Name, e);
            }
        }
        finally
        {
            _refresh.Release();
        }
    }
}
