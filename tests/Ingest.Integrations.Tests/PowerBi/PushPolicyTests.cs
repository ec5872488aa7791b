using System.Collections.Concurrent;
using System.Net;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>A FactEvent POST's pacing, retries and breaker (<see cref="PushPolicy"/>), on a fake clock that only moves when the test advances it.</summary>
public sealed class PushPolicyTests : IAsyncDisposable
{
    /// <summary>Answers each request with the next scripted status (200 once the script is used up), and counts them.</summary>
    private sealed class ScriptedPowerBi : HttpMessageHandler
    {
        public ConcurrentQueue<HttpResponseMessage> Script { get; } = new();
        public int Requests => _requests;
        private int _requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(Script.TryDequeue(out var next) ? next : new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    private static readonly ReadOnlyMemory<byte> Body = "{\"rows\":[{}]}"u8.ToArray();
    private readonly SteppedClock _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(500));
    private readonly ScriptedPowerBi _powerBi = new();
    private readonly ServiceProvider _services;

    public PushPolicyTests()
    {
        var settings = new Dictionary<string, string?>
        {
            ["PowerBi:BaseUrl"] = "http://127.0.0.1:9/",
            ["PowerBi:WorkspaceId"] = "ws",
            ["PowerBi:Authentication"] = "None",
            ["PowerBi:Writer:MaxAttempts"] = "3",
            ["PowerBi:Writer:MaxRetryAfter"] = "00:00:30",
            ["PowerBi:Writer:BreakerFailures"] = "2",
            ["PowerBi:Writer:BreakerOpenFor"] = "00:00:20",
        };
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time.Clock)
            .AddSingleton<IPushBudget>(new InMemoryPushBudget())
            .AddPowerBi(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .ServePowerBiFrom(_ => _powerBi)
            .BuildServiceProvider();
    }

    private FakeTimeProvider Clock => _time.Clock;
    private PowerBiRestClient Client => _services.GetRequiredService<PowerBiRestClient>();
    private PowerBiCircuit Circuit => _services.GetRequiredService<PowerBiCircuit>();

    private Task PostAsync(TimeSpan? sendWithin = null, PushTurn? turn = null)
        => Client.PostFactRowsAsync("ds", Body, rows: 1, Clock.GetUtcNow() + (sendWithin ?? TimeSpan.FromMinutes(1)), turn, CancellationToken.None);

    private static HttpResponseMessage Throttled(int retryAfterSeconds)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(retryAfterSeconds));
        return response;
    }

    /// <summary>Steps the fake clock until <paramref name="work"/> is done; returns how much simulated time that took.</summary>
    private async Task<TimeSpan> ElapsedAsync(Task work)
    {
        var started = Clock.GetUtcNow();
        await _time.RunAsync(work);
        return Clock.GetUtcNow() - started;
    }

    [Fact]
    public async Task A429IsRetriedAfterItsRetryAfterOnTheInjectedClock()
    {
        _powerBi.Script.Enqueue(Throttled(10));

        var waited = await ElapsedAsync(PostAsync());

        Assert.Equal(2, _powerBi.Requests);
        // Not before Retry-After; and on the fake clock (the system clock would have let it run for ages of fake time).
        Assert.InRange(waited, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
        Assert.Equal(1, _services.GetRequiredService<PowerBiMetrics>().Totals().Throttled);
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheCapFailsAtOnceInsteadOfHoldingTheCallers()
    {
        _powerBi.Script.Enqueue(Throttled(45));

        var refused = await Assert.ThrowsAsync<PowerBiException>(() => PostAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal(1, _powerBi.Requests);
    }

    [Fact]
    public async Task ARowsFaultIsNotRetried()
    {
        _powerBi.Script.Enqueue(new HttpResponseMessage(HttpStatusCode.BadRequest));

        var refused = await Assert.ThrowsAsync<PowerBiException>(() => PostAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(1, _powerBi.Requests);
    }

    [Fact]
    public async Task FailedPostsOpenTheCircuitForItsBreakDurationThenATrialGoesThrough()
    {
        for (var i = 0; i < 6; i++)
        {
            _powerBi.Script.Enqueue(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }

        for (var post = 0; post < 2; post++)
        {
            // Stepped past each backoff and the pacing of POSTs.
            await Assert.ThrowsAsync<PowerBiException>(() => _time.RunAsync(PostAsync()));
        }

        Assert.Equal(6, _powerBi.Requests);
        // Open for its 20 s from the failure that opened it; the clock may have stepped once more before the test saw it.
        Assert.InRange(Circuit.RefusingFor, TimeSpan.FromSeconds(18), TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<PowerBiUnavailableException>(() => PostAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(6, _powerBi.Requests);

        Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.Zero, Circuit.RefusingFor);
        await PostAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, _powerBi.Requests);
        Assert.False(Circuit.IsOpen);
    }

    [Fact]
    public async Task APostThatLandsBetweenFailuresKeepsTheCircuitClosed()
    {
        for (var i = 0; i < 3; i++)
        {
            _powerBi.Script.Enqueue(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }

        await Assert.ThrowsAsync<PowerBiException>(() => _time.RunAsync(PostAsync()));
        await _time.RunAsync(PostAsync()); // lands: the failure before it no longer counts
        for (var i = 0; i < 3; i++)
        {
            _powerBi.Script.Enqueue(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }

        await Assert.ThrowsAsync<PowerBiException>(() => _time.RunAsync(PostAsync()));

        Assert.False(Circuit.IsOpen);
        Assert.Equal(7, _powerBi.Requests);
    }

    [Fact]
    public async Task RowsPowerBiRefusesDoNotCountAgainstIt()
    {
        for (var i = 0; i < 3; i++)
        {
            _powerBi.Script.Enqueue(new HttpResponseMessage(HttpStatusCode.BadRequest));
        }

        for (var post = 0; post < 3; post++)
        {
            await Assert.ThrowsAsync<PowerBiException>(() => _time.RunAsync(PostAsync()));
        }

        Assert.False(Circuit.IsOpen);
        Assert.Equal(3, _powerBi.Requests);
    }

    [Fact]
    public async Task AFailedTrialOpensTheCircuitAgainAndEveryOpenIsCounted()
    {
        var ours = _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        long opens = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this provider's meter: other tests record on meters of the same name.
            if (ReferenceEquals(instrument.Meter.Scope, ours) && instrument.Name == "powerbi.circuit.opened")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref opens, value));
        listener.Start();
        for (var i = 0; i < 9; i++)
        {
            _powerBi.Script.Enqueue(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        }

        for (var post = 0; post < 2; post++)
        {
            await Assert.ThrowsAsync<PowerBiException>(() => _time.RunAsync(PostAsync()));
        }

        Assert.True(Circuit.IsOpen);
        Assert.Equal(1, Interlocked.Read(ref opens));

        // Half-open after the break: the trial (its three attempts) fails, and the breaker opens again.
        Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.False(Circuit.IsOpen);
        await Assert.ThrowsAsync<PowerBiException>(() => _time.RunAsync(PostAsync()));

        Assert.Equal(9, _powerBi.Requests);
        Assert.True(Circuit.IsOpen);
        Assert.Equal(2, Interlocked.Read(ref opens));
    }

    [Fact]
    public async Task AFirstAttemptWhoseTurnTheWriterTookDoesNotTakeASecond()
    {
        var turn = await _services.GetRequiredService<PushPolicy>().TakeTurnAsync(CancellationToken.None); // the writer's, taken before it took the batch

        await PostAsync(turn: turn).WaitAsync(TimeSpan.FromSeconds(10)); // the clock never moved
        Assert.Equal(1, _powerBi.Requests);

        var unheld = PostAsync();
        await Task.WhenAny(unheld, Task.Delay(TimeSpan.FromMilliseconds(200)));
        Assert.False(unheld.IsCompleted); // its own slot comes half a second (120 a minute) after the last
        Assert.InRange(await ElapsedAsync(unheld), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));
        Assert.Equal(2, _powerBi.Requests);
    }

    [Fact]
    public async Task APostPastItsSendByIsNeverSent()
    {
        await Assert.ThrowsAsync<PowerBiUnavailableException>(() => PostAsync(sendWithin: TimeSpan.FromTicks(-1)).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(0, _powerBi.Requests);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
