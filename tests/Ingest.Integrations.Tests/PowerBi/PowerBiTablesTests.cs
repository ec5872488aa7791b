using System.Net;
using Ingest.Core.Domain;
using Ingest.Integrations.PowerBi;
using Ingest.PowerBiEmulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>The REST client, bootstrap and tables against the emulator over real HTTP on loopback.</summary>
public sealed class PowerBiTablesTests : IAsyncLifetime
{
    private EmulatorServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new PushEmulator());
        _services = Services(_server, TimeProvider.System);
    }

    private static ServiceProvider Services(EmulatorServer server, TimeProvider clock, Func<HttpMessageHandler>? wire = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PowerBi:BaseUrl"] = server.BaseAddress.ToString(),
            ["PowerBi:WorkspaceId"] = "ws-1",
            ["PowerBi:DatasetName"] = "Ingest",
            ["PowerBi:Authentication"] = "None",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(clock).AddSingleton<IPushBudget, InMemoryPushBudget>().AddPowerBi(configuration);
        if (wire is not null)
        {
            services.ServePowerBiFrom(_ => wire());
        }

        return services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    private PowerBiTables Tables => _services.GetRequiredService<PowerBiTables>();

    [Fact]
    public async Task CreatesTheDatasetWithEveryTableOnFirstUseAndReusesIt()
    {
        await Tables.AddRowsAsync(TableNames.DimDate, [SampleRows.DimDateRow()], CancellationToken.None);
        await Tables.AddRowsAsync(TableNames.DimDate, [SampleRows.DimDateRow()], CancellationToken.None);

        var datasets = await _services.GetRequiredService<PowerBiRestClient>().ListDatasetsAsync(CancellationToken.None);
        Assert.Equal("Ingest", Assert.Single(datasets).Name);
        Assert.Equal(TableNames.All.Order(), _server.Emulator.Stats().Keys.Order());
        Assert.Equal(2, _server.Emulator.Rows(TableNames.DimDate).Count);
    }

    [Fact]
    public async Task FindsAnExistingDatasetByName()
    {
        var client = _services.GetRequiredService<PowerBiRestClient>();
        var existing = await client.CreateDatasetAsync("Ingest", PushSchema.Tables, PushSchema.Relationships, "None", CancellationToken.None);

        var id = await _services.GetRequiredService<DatasetBootstrap>().GetDatasetIdAsync(CancellationToken.None);

        Assert.Equal(existing.Id, id);
    }

    [Fact]
    public async Task TwoDatasetsWithTheNameIsAClearErrorNamingBoth()
    {
        var client = _services.GetRequiredService<PowerBiRestClient>();
        var a = await client.CreateDatasetAsync("Ingest", PushSchema.Tables, PushSchema.Relationships, "None", CancellationToken.None);
        var b = await client.CreateDatasetAsync("Ingest", PushSchema.Tables, PushSchema.Relationships, "None", CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _services.GetRequiredService<DatasetBootstrap>().GetDatasetIdAsync(CancellationToken.None));

        Assert.Contains(a.Id, error.Message);
        Assert.Contains(b.Id, error.Message);
    }

    [Fact]
    public async Task SplitsRowsIntoPostsOfAtMostTenThousand()
    {
        var rows = Enumerable.Range(0, 25_000).Select(i => SampleRows.FactRow(i)).ToArray();

        await Tables.AddRowsAsync(TableNames.FactEvent, rows, CancellationToken.None);

        var stats = _server.Emulator.Stats()[TableNames.FactEvent];
        Assert.Equal(25_000, stats.Rows);
        Assert.Equal(3, stats.Posts);
    }

    [Fact]
    public async Task EveryFactColumnFitsTheSchema()
    {
        await Tables.AddRowsAsync(TableNames.FactEvent, [SampleRows.FactRow(1) with { DurationSec = null }], CancellationToken.None);

        Assert.Single(_server.Emulator.Rows(TableNames.FactEvent));
    }

    [Fact]
    public async Task FailuresCarryStatusCodeMessageAndRequestId()
    {
        _server.Emulator.InjectFault(503, 1);

        var error = await Assert.ThrowsAsync<PowerBiException>(() => Tables.AddRowsAsync(TableNames.FactEvent, [SampleRows.FactRow(1)], CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal("InjectedFault", error.ErrorCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task DeletesEveryRowOfATable()
    {
        await Tables.AddRowsAsync(TableNames.DimDate, [SampleRows.DimDateRow()], CancellationToken.None);

        await Tables.DeleteRowsAsync(TableNames.DimDate, CancellationToken.None);

        Assert.Empty(_server.Emulator.Rows(TableNames.DimDate));
    }

    [Fact]
    public async Task DimensionPostsWaitTheirTurnWithinThePushLimitsAsFactPostsDo()
    {
        var clock = new SteppedClock();
        await using var server = await clock.StartEmulatorAsync();
        await using var services = Services(server, clock.Clock, clock.Wire);
        var tables = services.GetRequiredService<PowerBiTables>();
        await clock.RunAsync(tables.AddRowsAsync(TableNames.DimDate, [SampleRows.DimDateRow()], CancellationToken.None));

        var started = clock.Clock.GetUtcNow();
        await clock.RunAsync(tables.AddRowsAsync(TableNames.DimDate, [Core.Time.BusinessCalendar.DateRow(new DateOnly(2026, 11, 27))], CancellationToken.None));

        // 120 POSTs a minute per dataset: the second waits half a second of the clock (which moves only when stepped).
        Assert.InRange(clock.Clock.GetUtcNow() - started, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2));
        Assert.Equal(2, server.Emulator.Stats()[TableNames.DimDate].Posts);
    }

    [Fact]
    public async Task ClearingFactEventStartsTheLargeTableCountAgain()
    {
        var limiter = _services.GetRequiredService<PushLimiter>();
        await limiter.FactRowsLandedAsync(250_000, CancellationToken.None);
        Assert.True(limiter.LargeTableRegime);

        await Tables.DeleteRowsAsync(TableNames.FactEvent, CancellationToken.None);

        Assert.False(limiter.LargeTableRegime);
        Assert.Equal(0, await _services.GetRequiredService<IPushBudget>().CountAsync("ws-1/Ingest#FactEvent-rows", 0, CancellationToken.None));
    }

    [Fact]
    public void ABadSettingFailsValidationNamingIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PowerBi:RetentionPolicy"] = "Forever", ["PowerBi:WorkspaceId"] = "w" }).Build();
        using var services = new ServiceCollection().AddPowerBi(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PowerBiOptions>>().Value);

        Assert.Contains("PowerBi__RetentionPolicy", error.Message);
    }
}

internal static class SampleRows
{
    public static DimDate DimDateRow() => Core.Time.BusinessCalendar.DateRow(new DateOnly(2026, 11, 26));

    public static FactEventRow FactRow(long id) => new()
    {
        EventKey = $"aloware#CALLS#{id}", Source = "aloware", MetricID = MetricId.CALLS, MetricMonthKey = "CALLS-202611",
        AgentID = 101, CommunicationID = id, Direction = "Outbound", Disposition = "completed",
        OccurredAtUtc = new DateTime(2026, 11, 26, 14, 0, 0, DateTimeKind.Utc), DateKey = 20261126, ShiftID = "NONE",
        DurationSec = 60, TalkTimeSec = 50, IngestedAtUtc = DateTime.UtcNow,
    };
}
