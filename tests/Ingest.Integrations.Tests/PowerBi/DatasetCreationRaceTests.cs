using Ingest.Core.Configuration;
using Ingest.Core.Embedded;
using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Ingest.PowerBiEmulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>Instances starting cold at the same moment end up posting into one dataset, never two.</summary>
public sealed class DatasetCreationRaceTests
{
    private static ServiceProvider Instance(Uri emulator, string workspace, ILedger leases) => new ServiceCollection()
        .AddLogging()
        .AddSingleton(TimeProvider.System)
        .AddSingleton<IPushBudget>(new InMemoryPushBudget())
        .AddSingleton(leases)
        .AddPowerBi(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PowerBi:BaseUrl"] = emulator.ToString(),
            ["PowerBi:WorkspaceId"] = workspace,
            ["PowerBi:Authentication"] = "None",
        }).Build())
        .BuildServiceProvider();

    [Fact]
    public async Task FourInstancesStartingTogetherCreateOneDataset()
    {
        await using var server = await EmulatorServer.StartAsync(new PushEmulator());
        for (var round = 0; round < 5; round++)
        {
            var workspace = $"ws-race-{round}";
            var leases = new InMemoryLedger(Microsoft.Extensions.Options.Options.Create(new LedgerOptions()), TimeProvider.System);
            var instances = Enumerable.Range(0, 4).Select(_ => Instance(server.BaseAddress, workspace, leases)).ToArray();
            try
            {
                var ids = await Task.WhenAll(instances.Select(i => i.GetRequiredService<DatasetBootstrap>().GetDatasetIdAsync(CancellationToken.None)));

                var datasets = await instances[0].GetRequiredService<PowerBiRestClient>().ListDatasetsAsync(CancellationToken.None);
                Assert.Single(datasets);
                Assert.All(ids, id => Assert.Equal(datasets.Single().Id, id));
            }
            finally
            {
                foreach (var instance in instances)
                {
                    await instance.DisposeAsync();
                }
            }
        }
    }
}
