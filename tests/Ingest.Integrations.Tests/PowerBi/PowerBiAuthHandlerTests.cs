using System.Net;
using Azure.Core;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Ingest.Integrations.Tests.PowerBi;

public class PowerBiAuthHandlerTests
{
    private sealed class Capture : HttpMessageHandler
    {
        public List<string?> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorizations.Add(request.Headers.Authorization?.ToString());
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    [Fact]
    public async Task CachesTheTokenAndRefreshesItBeforeItExpires()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var credential = new Mock<TokenCredential>();
        var issued = 0;
        credential.Setup(c => c.GetTokenAsync(It.Is<TokenRequestContext>(r => r.Scopes.Single() == PowerBiOptions.Scope), It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromResult(new AccessToken($"token-{++issued}", clock.GetUtcNow().AddHours(1))));
        var capture = new Capture();
        using var http = new HttpClient(new PowerBiAuthHandler(credential.Object, clock) { InnerHandler = capture });

        await http.GetAsync("http://127.0.0.1/a");
        clock.Advance(TimeSpan.FromMinutes(50));
        await http.GetAsync("http://127.0.0.1/b");
        clock.Advance(TimeSpan.FromMinutes(6)); // 4 minutes before expiry: inside the refresh margin
        await http.GetAsync("http://127.0.0.1/c");

        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], capture.Authorizations);
        Assert.Equal(2, issued);
    }

    [Fact]
    public async Task ConcurrentRequestsShareOneTokenRequest()
    {
        var clock = new FakeTimeProvider();
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .Returns(async () => { await Task.Delay(50); return new AccessToken("t", clock.GetUtcNow().AddHours(1)); });
        using var http = new HttpClient(new PowerBiAuthHandler(credential.Object, clock) { InnerHandler = new Capture() });

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => http.GetAsync("http://127.0.0.1/")));

        credential.Verify(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AnEntraFailureIsAnOutageNotARefusal()
    {
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Azure.Identity.AuthenticationFailedException("AADSTS7000222: the client secret has expired"));
        var capture = new Capture();
        using var http = new HttpClient(new PowerBiAuthHandler(credential.Object, new FakeTimeProvider()) { InnerHandler = capture });

        var failed = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("http://127.0.0.1/"));

        Assert.IsType<Azure.Identity.AuthenticationFailedException>(failed.InnerException);
        Assert.DoesNotContain("AADSTS", failed.Message, StringComparison.Ordinal);
        Assert.Empty(capture.Authorizations);
    }
}
