using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>
/// A clock that runs <see cref="Speed"/> times faster than real time, for the emulator and the writers alike,
/// so minutes of the push limits pass in seconds while every request still crosses a real socket.
/// </summary>
public sealed class FastClock : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public FastClock(int speed = 20)
    {
        Speed = speed;
        _pump = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(5);
                Clock.Advance(TimeSpan.FromMilliseconds(5 * speed));
            }
        });
    }

    public int Speed { get; }
    public FakeTimeProvider Clock { get; } = new(Stores.StoreClock.Start()); // the shared budget's records live in DynamoDB Local

    public async Task DelayAsync(TimeSpan simulated) => await Task.Delay(simulated, Clock);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
    }
}

/// <summary>One writer (its own limiter, as on its own instance) against an emulator over HTTP.</summary>
public sealed class WriterRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public WriterRig(Uri emulator, TimeProvider clock, IPushBudget budget, Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["PowerBi:BaseUrl"] = emulator.ToString(),
            ["PowerBi:WorkspaceId"] = "ws-writer",
            ["PowerBi:Authentication"] = "None",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(clock)
            .AddSingleton(budget)
            .AddPowerBi(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider();
    }

    public CoalescingFactWriter Writer => _services.GetRequiredService<CoalescingFactWriter>();

    /// <summary>The FactEvent sink the configured writer mode selects.</summary>
    public IFactSink Sink => _services.GetRequiredService<IFactSink>();
    public PushLimiter Limiter => _services.GetRequiredService<PushLimiter>();
    public DatasetBootstrap Bootstrap => _services.GetRequiredService<DatasetBootstrap>();
    public PowerBiRestClient Client => _services.GetRequiredService<PowerBiRestClient>();

    public static FactEventRow Row(long id, string disposition = "completed") => new()
    {
        EventKey = $"aloware#CALLS#{id}", Source = "aloware", MetricID = MetricId.CALLS, MetricMonthKey = "CALLS-202611",
        AgentID = 101, CommunicationID = id, Direction = "Outbound", Disposition = disposition,
        OccurredAtUtc = new DateTime(2026, 11, 26, 14, 0, 0, DateTimeKind.Utc), DateKey = 20261126, ShiftID = "NONE",
        DurationSec = 60, TalkTimeSec = 50, IngestedAtUtc = new DateTime(2026, 11, 26, 14, 0, 1, DateTimeKind.Utc),
    };

    /// <summary>Offers <paramref name="perSecond"/> single-row deliveries a simulated second for <paramref name="seconds"/> simulated seconds.</summary>
    public static async Task<List<Task>> OfferAsync(FastClock clock, int perSecond, int seconds, Func<long, Task> post, long firstId = 0)
    {
        var posted = new List<Task>();
        const int ticksPerSecond = 10;
        var id = firstId;
        for (var tick = 0; tick < seconds * ticksPerSecond; tick++)
        {
            for (var i = 0; i < perSecond / ticksPerSecond; i++)
            {
                posted.Add(post(id++));
            }

            await clock.DelayAsync(TimeSpan.FromMilliseconds(1000 / ticksPerSecond));
        }

        return posted;
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await _services.DisposeAsync();
    }
}
