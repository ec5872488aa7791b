using Ingest.PowerBiEmulator;
using Microsoft.AspNetCore.Builder;

namespace Ingest.EventhouseEmulator;

/// <summary>The Eventhouse emulator over real HTTP on a loopback port, for tests, the load tool and the fault campaign.</summary>
public sealed class EventhouseServer : IAsyncDisposable
{
    private WebApplication _app = null!;

    public EmulatedEventhouse Emulator { get; private init; } = null!;

    /// <summary>The query URI, such as http://127.0.0.1:53117/ (<c>Eventhouse__QueryUri</c>).</summary>
    public Uri BaseAddress { get; private init; } = null!;

    public static async Task<EventhouseServer> StartAsync(EmulatedEventhouse emulator, int port = 0)
    {
        var (app, address) = await EmulatorServer.StartOnLoopbackAsync(emulator, port);
        return new EventhouseServer { _app = app, Emulator = emulator, BaseAddress = address };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
