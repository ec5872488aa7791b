using System.Diagnostics;
using System.Globalization;

namespace Ingest.Testing;

/// <summary>
/// Azurite from npm <c>azurite@3.35.0</c> (newer needs Node 22): blob and queue services on free loopback
/// ports, the store in a temporary folder deleted when it stops, telemetry off; started once per test assembly and
/// stopped at the end. Not <c>--inMemoryPersistence</c>: that store deletes settled message chunks one by one every
/// 60 s, which stalled the queue for seconds under load.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string Package = "azurite@3.35.0";

    // The well-known development account that Azurite accepts; it guards nothing.
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private Azurite(Process process, string dataFolder, int blobPort, int queuePort)
    {
        _process = process;
        DataFolder = dataFolder;
        ConnectionString = string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blobPort}/{Account};QueueEndpoint=http://127.0.0.1:{queuePort}/{Account};");
    }

    public string ConnectionString { get; }

    /// <summary>Where this Azurite keeps its blobs and queues while it runs; deleted when it stops.</summary>
    public string DataFolder { get; }

    /// <summary>The Node process, for its CPU time.</summary>
    public Process Process => _process;

    public static async Task<Azurite> StartAsync()
    {
        var prefix = await ExternalTool.EnsureNpmPackageAsync("azurite", Package, "node_modules/azurite/dist/src/azurite.js");
        return await ExternalTool.StartOnFreePortsAsync("Azurite", () => StartOnceAsync(prefix));
    }

    private static async Task<Azurite> StartOnceAsync(string prefix)
    {
        int blobPort = ExternalTool.FreeLoopbackPort(), queuePort = ExternalTool.FreeLoopbackPort(), tablePort = ExternalTool.FreeLoopbackPort();
        var folder = Directory.CreateTempSubdirectory("azurite-").FullName;
        var process = ExternalTool.StartService("node", prefix,
        [
            "node_modules/azurite/dist/src/azurite.js", "--location", folder, "--disableTelemetry", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
        ]);
        var azurite = new Azurite(process, folder, blobPort, queuePort);
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

    public async ValueTask DisposeAsync()
    {
        await ExternalTool.StopServiceAsync(_process);
        Directory.Delete(DataFolder, recursive: true);
    }
}
