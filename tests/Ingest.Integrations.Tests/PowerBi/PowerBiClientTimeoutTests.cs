using System.Net;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>
/// The Power BI client's own timeout: <see cref="PushPolicy"/> waits for a turn and a pending-POST slot before the
/// send, so the client's <see cref="HttpClient.Timeout"/> bounds only the answer, and it covers the body too.
/// </summary>
public sealed class PowerBiClientTimeoutTests
{
    /// <summary>Headers at once, then a body that never comes.</summary>
    private sealed class StalledBody : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
            => await Task.Delay(Timeout.Infinite, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed class Answering(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer());
    }

    private static HttpClient Client(Func<HttpResponseMessage> answer, TimeSpan timeout) => new(new Answering(answer)) { Timeout = timeout };

    [Fact]
    public void TheRegisteredClientTimesOutAfterTheRequestTimeout()
    {
        var settings = new Dictionary<string, string?> { ["PowerBi:BaseUrl"] = "http://127.0.0.1:9/", ["PowerBi:WorkspaceId"] = "ws", ["PowerBi:Authentication"] = "None" };
        using var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System)
            .AddPowerBi(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(PowerBiRestClient.HttpClientName);

        Assert.Equal(PowerBiRestClient.RequestTimeout, client.Timeout);
    }

    [Fact]
    public async Task ABodyThatStallsAfterItsHeadersTimesOutAsHttpClientWould()
    {
        using var client = Client(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StalledBody() }, TimeSpan.FromMilliseconds(200));

        var timedOut = await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetAsync("http://127.0.0.1:9/").WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.IsType<TimeoutException>(timedOut.InnerException);
    }

    [Fact]
    public async Task AWholeAnswerComesBackWithItsBodyReadable()
    {
        using var client = Client(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"value\":[]}") }, TimeSpan.FromSeconds(30));

        using var response = await client.GetAsync("http://127.0.0.1:9/");

        Assert.Equal("{\"value\":[]}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheCallersOwnCancellationIsNotReportedAsATimeout()
    {
        using var client = Client(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StalledBody() }, TimeSpan.FromSeconds(30));
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("http://127.0.0.1:9/", giveUp.Token));

        Assert.IsNotType<TimeoutException>(cancelled.InnerException);
    }
}
