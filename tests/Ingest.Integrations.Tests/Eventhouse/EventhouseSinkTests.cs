using System.Text.Json;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.Eventhouse;
using Ingest.Integrations.Tests.PowerBi;

namespace Ingest.Integrations.Tests.Eventhouse;

/// <summary>The Eventhouse sink as the app composes it (client, writer, circuit, tables, bootstrap) against the emulator over HTTP.</summary>
public sealed class EventhouseSinkTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task TheBootstrapCreatesEveryTableMappingPolicyViewAndFunctionAndAppliesTwiceAtOnce()
    {
        await using var rig = await EventhouseRig.StartAsync(bootstrap: false);
        var bootstrap = rig.Get<EventhouseBootstrap>();

        var applied = await Task.WhenAll(bootstrap.ApplyAsync(EventhouseRig.Database, null, None), bootstrap.ApplyAsync(EventhouseRig.Database, null, None));
        await bootstrap.ApplyAsync(EventhouseRig.Database, "aadapp=11111111-2222-3333-4444-555555555555;contoso.com", None);

        Assert.Equal(applied[0], applied[1]);
        var described = rig.Emulator.Describe(EventhouseRig.Database);
        foreach (var table in new[] { TableNames.FactEvent, TableNames.DimAgent, TableNames.DimMetric, TableNames.DimDate, TableNames.DimShift })
        {
            Assert.Contains($"table {table} (", described);
            Assert.Contains($"streaming=True mappings={table}_json", described);
        }

        Assert.Contains("view FactEventUnique on FactEvent by EventKey", described);
        Assert.Contains("function AgentAttainment", described);
        Assert.Contains("grant ingestors 'aadapp=11111111-2222-3333-4444-555555555555;contoso.com'", described);
    }

    [Fact]
    public async Task TheTablesAreThoseOfThePushDatasetColumnForColumn()
    {
        var kusto = new Dictionary<string, string> { ["String"] = "string", ["Int64"] = "long", ["Double"] = "real", ["Boolean"] = "bool", ["DateTime"] = "datetime" };

        foreach (var table in Integrations.PowerBi.PushSchema.Tables)
        {
            Assert.Equal(table.Columns.Select(c => (c.Name, kusto[c.DataType])), EventhouseScripts.Tables[table.Name]);
        }

        Assert.Equal(Integrations.PowerBi.PushSchema.Tables.Count, EventhouseScripts.Tables.Count);
    }

    [Fact]
    public async Task ConcurrentCallersShareStreamingIngestionsAndEveryRowLands()
    {
        await using var rig = await EventhouseRig.StartAsync();
        var sink = rig.Get<IFactSink>();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => sink.PostAsync([WriterRig.Row(i)], None)));

        Assert.Equal(200, rig.Emulator.Rows(TableNames.FactEvent).Count);
        Assert.InRange(rig.Emulator.Stats()[TableNames.FactEvent].Posts, 1, 20);
        var row = rig.Emulator.Rows(TableNames.FactEvent).Single(r => r.GetProperty("EventKey").GetString() == "aloware#CALLS#7");
        Assert.Equal(101, row.GetProperty("AgentID").GetInt64());
        Assert.Equal("2026-11-26T14:00:00Z", row.GetProperty("OccurredAtUtc").GetString());
    }

    [Fact]
    public async Task ABatchOverTheRequestLimitIsSplit()
    {
        await using var rig = await EventhouseRig.StartAsync(new() { ["Eventhouse:Writer:MaxBytesPerRequest"] = "4096" });

        await rig.Get<IFactSink>().PostAsync(Enumerable.Range(0, 100).Select(i => WriterRig.Row(i)).ToArray(), None);

        Assert.Equal(100, rig.Emulator.Rows(TableNames.FactEvent).Count);
        Assert.True(rig.Emulator.Stats()[TableNames.FactEvent].Posts >= 5);
    }

    [Fact]
    public async Task ARowRepeatedByTheCrashWindowCountsOnceInTheView()
    {
        await using var rig = await EventhouseRig.StartAsync();
        var sink = rig.Get<IFactSink>();

        await sink.PostAsync([WriterRig.Row(1), WriterRig.Row(2)], None);
        await sink.PostAsync([WriterRig.Row(1)], None); // the ingest landed, the ledger never completed, the redrive sent it again

        Assert.Equal(3, rig.Emulator.Rows(TableNames.FactEvent).Count);
        Assert.Equal(2, rig.Emulator.Rows("FactEventUnique").Count);
    }

    [Fact]
    public async Task ThrottlingAndServerFaultsAreRetriedAndTheRowsLand()
    {
        await using var rig = await EventhouseRig.StartAsync();
        rig.Emulator.InjectFault(429, 1);

        await rig.Get<IFactSink>().PostAsync([WriterRig.Row(1)], None);
        rig.Emulator.InjectFault(503, 2);
        await rig.Get<IFactSink>().PostAsync([WriterRig.Row(2)], None);

        Assert.Equal(2, rig.Emulator.Rows(TableNames.FactEvent).Count);
        Assert.Equal(1, rig.Get<Integrations.Sinks.IWriterStats>().Stats().Throttled);
        Assert.Equal(3, rig.Get<Integrations.Sinks.IWriterStats>().Stats().Retries);
    }

    [Fact]
    public async Task APermanentRefusalIsNotRetriedFailsTheCallerForTheRedriveToCountAndLeavesTheCircuitClosed()
    {
        await using var rig = await EventhouseRig.StartAsync(bootstrap: false); // no table, no mapping

        var refused = await Assert.ThrowsAsync<EventhouseException>(() => rig.Get<IFactSink>().PostAsync([WriterRig.Row(1)], None));

        Assert.True(refused.Permanent);
        Assert.False(refused.IsTransient); // counts toward the poison queue, replayable once the bootstrap has run
        Assert.Equal("BadRequest_EntityNotFound", refused.Code);
        Assert.Equal(0, rig.Get<Integrations.Sinks.IWriterStats>().Stats().Retries);
        Assert.False(rig.Get<EventhouseCircuit>().IsOpen);
    }

    [Fact]
    public async Task SustainedFailureOpensTheCircuitAndTheRedriveIsToldHowLong()
    {
        await using var rig = await EventhouseRig.StartAsync(new() { ["Eventhouse:Writer:MaxAttempts"] = "1", ["Eventhouse:Writer:BreakerFailures"] = "2" });
        rig.Emulator.InjectFault(503, 10);
        var sink = rig.Get<IFactSink>();

        for (var i = 0; i < 2; i++)
        {
            var failed = await Assert.ThrowsAsync<EventhouseUnavailableException>(() => sink.PostAsync([WriterRig.Row(i)], None));
            Assert.IsAssignableFrom<TransientFaultException>(failed); // postponed by the redrive, never poisoned
        }

        Assert.InRange(rig.Get<ISinkAvailability>().RefusingFor, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<EventhouseUnavailableException>(() => sink.PostAsync([WriterRig.Row(9)], None));
        Assert.Equal(2, rig.Emulator.IngestRequests); // nothing was sent while it was open
    }

    [Fact]
    public async Task ReplacingADimensionSwapsItsRowsAndSaysHowManyItHeld()
    {
        await using var rig = await EventhouseRig.StartAsync();
        var tables = rig.Get<ISinkTables>();
        DimShift[] first = [new() { ShiftID = "AM", Name = "Morning \"early\"", StartTime = "06:00", EndTime = "14:00", Days = "Mon-Fri", SortOrder = 1 }];
        DimShift[] second = [first[0] with { Name = "Morning" }, new() { ShiftID = "PM", Name = "Evening", StartTime = "14:00", EndTime = "22:00", Days = "Mon-Fri", SortOrder = 2 }];

        Assert.Equal(0, await tables.ReplaceRowsAsync(TableNames.DimShift, first, None));
        Assert.Equal("Morning \"early\"", rig.Emulator.Rows(TableNames.DimShift).Single().GetProperty("Name").GetString());
        Assert.Equal(1, await tables.ReplaceRowsAsync(TableNames.DimShift, second, None));

        Assert.Equal(["AM", "PM"], rig.Emulator.Rows(TableNames.DimShift).Select(r => r.GetProperty("ShiftID").GetString()));
        await tables.AppendRowsAsync(TableNames.DimDate, [Core.Time.BusinessCalendar.DateRow(new DateOnly(2026, 11, 26))], None);
        Assert.Equal(20261126, rig.Emulator.Rows(TableNames.DimDate).Single().GetProperty("DateKey").GetInt64());
    }

    [Fact]
    public async Task EveryRequestCarriesAClientRequestIdAndFactsGoGzipped()
    {
        await using var rig = await EventhouseRig.StartAsync();

        await rig.Get<IFactSink>().PostAsync([WriterRig.Row(1)], None);
        await rig.Get<ISinkTables>().ReplaceRowsAsync(TableNames.DimShift, Array.Empty<DimShift>(), None);

        Assert.Single(rig.Emulator.Rows(TableNames.FactEvent));
        Assert.Equal(0, rig.Emulator.RequestsWithoutClientRequestId); // the bootstrap's commands included
        Assert.Equal(rig.Emulator.IngestRequests, rig.Emulator.GzippedIngests);
    }

    [Fact]
    public async Task RowsPastTheirSendByAreNeverSent()
    {
        await using var rig = await EventhouseRig.StartAsync();

        await Assert.ThrowsAsync<EventhouseUnavailableException>(() => rig.Get<EventhouseClient>()
            .IngestAsync(TableNames.FactEvent, "{}"u8.ToArray(), None, sendBy: DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.Equal(0, rig.Emulator.IngestRequests);
    }

    [Theory]
    [InlineData("\"2026-11-26T00:00:00\"", "datetime(2026-11-26T00:00:00Z)")] // no zone: the date itself, on any server
    [InlineData("\"2026-11-26T14:00:00+02:00\"", "datetime(2026-11-26T12:00:00Z)")]
    [InlineData("\"2026-11-26T14:00:00.25Z\"", "datetime(2026-11-26T14:00:00.25Z)")]
    public void ADatetimeLiteralIsUtc(string json, string literal)
        => Assert.Equal(literal, KqlLiterals.Value(JsonDocument.Parse(json).RootElement, "datetime"));
}
