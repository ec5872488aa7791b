using System.Text.Json;
using Ingest.Core.Domain;
using Ingest.Integrations.PowerBi;
using Ingest.PowerBiEmulator;

namespace Ingest.Integrations.Tests.PowerBi;

public sealed class DatasetBootstrapTests : IAsyncLifetime
{
    private EmulatorServer _server = null!;
    private WriterRig _rig = null!;
    private PowerBiRestClient Client => _rig.Client;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new PushEmulator());
        _rig = new WriterRig(_server.BaseAddress, TimeProvider.System, new InMemoryPushBudget());
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CreatesTheDatasetWithRelationshipsAndMeasuresOnAnEmptyWorkspace()
    {
        var id = await _rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None);

        var tables = await Client.GetTablesAsync(id, CancellationToken.None);
        var fact = tables.Single(t => t.Name == TableNames.FactEvent);
        Assert.Contains(fact.Measures!, m => m.Name == "CALLS Count" && m.Expression.Contains("DISTINCTCOUNT(FactEvent[EventKey])"));
        Assert.Contains(fact.Measures!, m => m.Name == "RAG Status" && m.Expression.Contains("DefaultYellowFloorPct"));
        Assert.Equal(TableNames.All.Order(), tables.Select(t => t.Name).Order());
    }

    [Fact]
    public async Task PutsBackATableWhoseColumnsDriftedAndKeepsItsRows()
    {
        var old = PushSchema.Tables.Select(t => t.Name == TableNames.DimShift ? t with { Columns = t.Columns.Where(c => c.Name != "SortOrder").ToArray() } : t).ToArray();
        var existing = await Client.CreateDatasetAsync("Ingest", old, PushSchema.Relationships, "None", CancellationToken.None);
        await Client.AddRowsAsync(existing.Id, TableNames.DimShift, [new { ShiftID = "DAY", Name = "Day" }], CancellationToken.None);

        var id = await _rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None);

        Assert.Equal(existing.Id, id);
        var shift = (await Client.GetTablesAsync(id, CancellationToken.None)).Single(t => t.Name == TableNames.DimShift);
        Assert.Contains(shift.Columns!, c => c.Name == "SortOrder");
        Assert.Single(_server.Emulator.Rows(TableNames.DimShift));
    }

    [Fact]
    public async Task PutsNothingWhenTheSchemaMatches()
    {
        var existing = await Client.CreateDatasetAsync("Ingest", PushSchema.Tables, PushSchema.Relationships, "None", CancellationToken.None);
        var before = await Client.GetTablesAsync(existing.Id, CancellationToken.None);

        await _rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None);

        Assert.Equal(JsonSerializer.Serialize(before), JsonSerializer.Serialize(await Client.GetTablesAsync(existing.Id, CancellationToken.None)));
    }

    [Fact]
    public async Task AMissingTableIsAClearError()
    {
        await Client.CreateDatasetAsync("Ingest", PushSchema.Tables.Where(t => t.Name != TableNames.DimShift).ToArray(), [], "None", CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _rig.Bootstrap.GetDatasetIdAsync(CancellationToken.None));

        Assert.Contains("DimShift", error.Message);
    }
}
