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
        return await ExternalTool.StartOnFreePortsAsync("Azurite", () => StartOnceAsync(prefix));
    }

    private static async Task<Azurite> StartOnceAsync(string prefix)
    {
        int blobPort = ExternalTool.FreeLoopbackPort(), queuePort = ExternalTool.FreeLoopbackPort(), tablePort = ExternalTool.FreeLoopbackPort();
        var process = ExternalTool.StartService("node", prefix,
        [
            "node_modules/azurite/dist/src/azurite.js", "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
        ]);
        var azurite = new Azurite(process, blobPort, queuePort);
        try
        {
            await azurite.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ready when both services answer a real request from this Azurite (a port taken by another process would not).</summary>
    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var options = new Azure.Storage.Queues.QueueClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
        var queues = new Azure.Storage.Queues.QueueServiceClient(ConnectionString, options);
        var blobs = new Azure.Storage.Blobs.BlobServiceClient(ConnectionString, new Azure.Storage.Blobs.BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } });
        while (true)
        {
            if (_process.HasExited)
            {
                throw new EmulatorStartException($"Azurite exited with code {_process.ExitCode} before it listened; is Node 20 installed?");
            }

            try
            {
                await queues.GetPropertiesAsync();
                await blobs.GetPropertiesAsync();
                if (!_process.HasExited)
                {
                    return;
                }
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or System.Net.Sockets.SocketException or TaskCanceledException)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new EmulatorStartException($"Azurite did not answer within {timeout}: {e.Message}");
                }

                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync() => await ExternalTool.StopServiceAsync(_process);
}
