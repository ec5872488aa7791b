using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>One writer (its own limiter, as on its own instance) against an emulator over HTTP.</summary>
public sealed class WriterRig : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    /// <summary>On simulated time: the rig's requests and budget calls hold the stepped clock while they are served.</summary>
    public WriterRig(Uri emulator, SteppedClock clock, IPushBudget budget, Dictionary<string, string?>? settings = null)
        : this(emulator, clock.Clock, clock.Counting(budget), settings, clock.Wire)
    {
    }

    public WriterRig(Uri emulator, TimeProvider clock, IPushBudget budget, Dictionary<string, string?>? settings = null, Func<HttpMessageHandler>? wire = null)
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

        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(clock)
            .AddSingleton(budget)
            .AddPowerBi(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        if (wire is not null)
        {
            services.ServePowerBiFrom(_ => wire());
        }

        _services = services.BuildServiceProvider();
    }

    public CoalescingFactWriter Writer => _services.GetRequiredService<CoalescingFactWriter>();

    /// <summary>The FactEvent sink the configured writer mode selects.</summary>
    public IFactSink Sink => _services.GetRequiredService<IFactSink>();
    public PowerBiCircuit Circuit => _services.GetRequiredService<PowerBiCircuit>();

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
    public static async Task<List<Task>> OfferAsync(SteppedClock clock, int perSecond, int seconds, Func<long, Task> post, long firstId = 0)
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

            await clock.AdvanceAsync(TimeSpan.FromMilliseconds(1000 / ticksPerSecond));
        }

        return posted;
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        await _services.DisposeAsync();
    }
}
