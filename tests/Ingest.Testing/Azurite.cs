using System.Diagnostics;
using System.Globalization;

namespace Ingest.Testing;

/// <summary>
/// Azurite from npm <c>azurite@3.35.0</c> (newer needs Node 22): blob and queue services on free loopback
/// ports, in-memory persistence, telemetry off; started once per test assembly and stopped at the end.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string Package = "azurite@3.35.0";

    // The well-known development account that Azurite accepts; it guards nothing.
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private Azurite(Process process, int blobPort, int queuePort)
    {
        _process = process;
        ConnectionString = string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blobPort}/{Account};QueueEndpoint=http://127.0.0.1:{queuePort}/{Account};");
    }

    public string ConnectionString { get; }

    public static async Task<Azurite> StartAsync()
    {
        var prefix = await ExternalTool.EnsureNpmPackageAsync("azurite", Package, "node_modules/azurite/dist/src/azurite.js");
        int blobPort = ExternalTool.FreeLoopbackPort(), queuePort = ExternalTool.FreeLoopbackPort(), tablePort = ExternalTool.FreeLoopbackPort();
        var process = ExternalTool.StartService("node", prefix,
        [
            "node_modules/azurite/dist/src/azurite.js", "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
        ]);
        var azurite = new Azurite(process, blobPort, queuePort);
        await azurite.WaitUntilReadyAsync(blobPort, queuePort, TimeSpan.FromSeconds(60));
        return azurite;
    }

    private async Task WaitUntilReadyAsync(int blobPort, int queuePort, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in new[] { blobPort, queuePort })
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before it listened; is Node 20 installed?");
                }

                try
                {
                    using var client = new System.Net.Sockets.TcpClient();
                    await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                    break;
                }
                catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }
        }
    }

    public async ValueTask DisposeAsync() => await ExternalTool.StopServiceAsync(_process);
}
