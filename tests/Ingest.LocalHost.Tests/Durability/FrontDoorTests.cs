using System.Globalization;
using Ingest.FaultCampaign;
using Ingest.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>The fault campaign's front door (bench/Ingest.FaultCampaign/FrontDoor.cs) over real loopback sockets, in front of two fake hosts.</summary>
public sealed class FrontDoorTests : IAsyncLifetime
{
    private readonly FakeHost[] _hosts = [new("a"), new("b")];
    private readonly HttpClient _sender = new() { Timeout = TimeSpan.FromSeconds(20) };
    private FrontDoor _door = null!;

    public async Task InitializeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StartAsync();
        }

        _door = await FrontDoor.StartAsync(_hosts.Select(h => h.Address).ToArray());
        _door.Up(0);
        _door.Up(1);
    }

    public async Task DisposeAsync()
    {
        _sender.Dispose();
        await _door.DisposeAsync();
        foreach (var host in _hosts)
        {
            await host.App.DisposeAsync();
        }
    }

    private async Task<string> NameAsync() => await _sender.GetStringAsync(new Uri(_door.Address, "name"));

    [Fact]
    public async Task SendsRequestsToEveryLiveHostAndNoneToAHostTakenDown()
    {
        var names = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            names.Add(await NameAsync());
        }

        Assert.Equal(["a", "b"], names.Distinct().Order());

        _door.Down(0);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("b", await NameAsync());
        }
    }

    [Fact]
    public async Task DropsTheRequestsInFlightOnAHostWhenItIsTakenDownAndOnlyThose()
    {
        // Two requests held by their hosts: one on each, as the turn goes.
        var first = Held("first");
        var second = Held("second");
        await Task.WhenAll(_hosts.Select(h => h.Holding.Task)).WaitAsync(TimeSpan.FromSeconds(10));
        var onA = _hosts[0].HeldId!;

        var kill = _door.Down(0);
        _hosts[1].Release.SetResult();

        var dropped = onA == "first" ? first : second;
        var answered = onA == "first" ? second : first;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => dropped);
        Assert.Equal("b", await (await answered).Content.ReadAsStringAsync());
        Assert.True(_door.DroppedAtKill(onA));
        Assert.False(_door.DroppedAtKill(onA == "first" ? "second" : "first"));
        Assert.Equal([1], _door.DroppedPerKill);
        Assert.Equal(0, kill);
        Assert.Equal(0, _door.Failed);
    }

    [Fact]
    public async Task HoldsRequestsWhileNoHostIsLiveAndSaysHowLong()
    {
        _door.Down(0);
        _door.Down(1);
        var sent = _sender.GetAsync(new Uri(_door.Address, "name"));
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        Assert.False(sent.IsCompleted);

        _door.Up(1);

        using var answer = await sent;
        Assert.Equal("b", await answer.Content.ReadAsStringAsync());
        var held = double.Parse(Assert.Single(answer.Headers.GetValues(FrontDoor.HeldHeader)), CultureInfo.InvariantCulture);
        Assert.InRange(held, 500, 10_000);
        Assert.Equal([0, 0], _door.DroppedPerKill);
    }

    [Fact]
    public async Task ForwardsTheMethodHeadersAndBodyAndTheAnswerBack()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_door.Address, "echo?x=1")) { Content = new StringContent("{\"a\":1}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "t");

        using var answer = await _sender.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal("POST /echo?x=1 Bearer t application/json; charset=utf-8 {\"a\":1}", await answer.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> Held(string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_door.Address, "hold"));
        request.Headers.Add(FrontDoor.RequestIdHeader, id);
        return _sender.SendAsync(request);
    }

    /// <summary>A host that answers its name, echoes a request, or holds one until released.</summary>
    private sealed class FakeHost(string name)
    {
        public WebApplication App { get; } = LoopbackApp.Create();
        public Uri Address { get; private set; } = null!;
        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? HeldId { get; private set; }

        public async Task StartAsync()
        {
            App.MapGet("/name", () => name);
            App.MapGet("/hold", async (HttpContext context) =>
            {
                HeldId = context.Request.Headers[FrontDoor.RequestIdHeader].ToString();
                Holding.TrySetResult();
                await Release.Task.WaitAsync(context.RequestAborted);
                return name;
            });
            App.MapPost("/echo", async (HttpContext context) =>
            {
                var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
                context.Response.StatusCode = 202;
                await context.Response.WriteAsync($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {context.Request.Headers.Authorization} {context.Request.ContentType} {body}");
            });
            Address = await LoopbackApp.StartAsync(App);
        }
    }
}
