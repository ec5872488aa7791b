using Ingest.Testing;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// A local host whose HubSpot is the fake CRM, with three owners (two are agents of the sample roster by e-mail,
/// one is not), redriving captured batches every second; started before each test and stopped after it.
/// </summary>
public abstract class HubSpotHostTests(Dictionary<string, string?>? settings = null, string sink = LocalHostFactory.PowerBi) : IAsyncLifetime
{
    protected static readonly DateTimeOffset At = new(2026, 11, 26, 15, 0, 0, TimeSpan.Zero);

    protected FakeHubSpot HubSpot { get; private set; } = null!;

    /// <summary>The sink the host writes to (<see cref="LocalHostFactory.PowerBi"/> or <see cref="LocalHostFactory.Eventhouse"/>).</summary>
    protected string Sink { get; } = sink;

    protected LocalHostFactory Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        HubSpot = await FakeHubSpot.StartAsync();
        HubSpot.Owners["11"] = "avery.brooks@example.com";
        HubSpot.Owners["12"] = "Jordan.Lee@Example.com";
        HubSpot.Owners["13"] = "contractor@example.com";
        Host = new LocalHostFactory(LocalHostFactory.HubSpotSettings(HubSpot, LocalHostFactory.On(Sink, new(settings ?? [])
        {
            ["Capture:RedriveDelay"] = "00:00:01",
            ["Capture:PollInterval"] = "00:00:00.200",
        })));
        Host.CreateClient(); // start: the sample roster is loaded
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        await HubSpot.DisposeAsync();
    }
}
