using Ingest.EventhouseEmulator;
using Ingest.PowerBiEmulator;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>
/// A sink's standalone emulator over HTTP on loopback, for hosts on the production path: Power BI's push emulator or
/// the Eventhouse emulator, with the settings that point a host at it and the health dependency that probes it.
/// </summary>
public sealed class SinkServer : IAsyncDisposable
{
    private readonly IAsyncDisposable _server;

    private SinkServer(string sink, IEmulatedSink emulator, Uri address, IAsyncDisposable server)
        => (Sink, Emulator, BaseAddress, _server) = (sink, emulator, address, server);

    public string Sink { get; }
    public IEmulatedSink Emulator { get; }
    public Uri BaseAddress { get; }

    /// <summary>The name <c>GET /api/health</c> gives the sink.</summary>
    public string HealthName => Sink == LocalHostFactory.Eventhouse ? "eventhouse" : "powerBi";

    public static async Task<SinkServer> StartAsync(string sink)
    {
        if (sink == LocalHostFactory.Eventhouse)
        {
            var eventhouse = await EventhouseServer.StartAsync(new EmulatedEventhouse());
            return new SinkServer(sink, eventhouse.Emulator, eventhouse.BaseAddress, eventhouse);
        }

        var powerBi = await EmulatorServer.StartAsync(new PushEmulator());
        return new SinkServer(sink, powerBi.Emulator, powerBi.BaseAddress, powerBi);
    }

    /// <summary>What points a host at this emulator, with the writer's short test timings.</summary>
    public Dictionary<string, string?> HostSettings() => Sink == LocalHostFactory.Eventhouse
        ? new()
        {
            ["Sink:Kind"] = LocalHostFactory.Eventhouse,
            ["Eventhouse:QueryUri"] = BaseAddress.ToString(),
            ["Eventhouse:Database"] = "ingest",
            ["Eventhouse:Authentication"] = "None",
            ["Eventhouse:Bootstrap"] = "true",
            ["Eventhouse:Writer:MaxAttempts"] = "2",
            ["Eventhouse:Writer:BreakerOpenFor"] = "00:00:01",
        }
        : new()
        {
            ["LocalHost:EmbeddedPowerBi"] = "false",
            ["PowerBi:BaseUrl"] = BaseAddress.ToString(),
            ["PowerBi:Authentication"] = "None",
            ["PowerBi:Writer:MaxAttempts"] = "2",
            ["PowerBi:Writer:BreakerOpenFor"] = "00:00:01",
        };

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
