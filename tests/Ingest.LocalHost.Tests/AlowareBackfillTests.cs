using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// The signed Aloware export backfill through the local host: the hand-written sample export, mixed with live webhook
/// deliveries of two of its communications, adds exactly the missing facts once, with their agent and DateKey.
/// </summary>
public abstract class AlowareBackfillTests(string sink) : IDisposable
{
    private const string Path = "/api/admin/backfill/aloware";

    private static readonly byte[] Export = File.ReadAllBytes(System.IO.Path.Combine(AppContext.BaseDirectory, "samples", "aloware", "export-2026-11.csv"));

    private readonly LocalHostFactory _host = new(LocalHostFactory.On(sink, new()
    {
        ["BUSINESS_TIME_ZONE"] = "America/New_York",
        // The sample's dates are fixed: a ledger that remembers ten years keeps them inside its memory on any day.
        ["Ledger:Retention"] = "3650.00:00:00",
    }));

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<JsonElement> BackfillAsync(byte[] csv, bool dryRun = false)
    {
        using var response = await _host.SignedPostAsync(dryRun ? Path + "?dryRun=true" : Path, csv, contentType: "text/csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task DeliverTheWebhooksAsync()
    {
        foreach (var sample in new[] { "call-2-disposition-completed.json", "call-4-call-disposed.json", "sms-inbound-completed.json" })
        {
            (await _host.DeliverAsync(LocalHostFactory.Sample(sample))).EnsureSuccessStatusCode();
        }
    }

    private static void AssertCounts(JsonElement summary, int alreadyCounted, int added, int gated)
    {
        Assert.Equal(16, summary.GetProperty("rows").GetInt32());
        Assert.Equal(11, summary.GetProperty("countable").GetInt32());
        Assert.Equal(2, summary.GetProperty("ignored").GetInt32());
        Assert.Equal(alreadyCounted, summary.GetProperty("alreadyCounted").GetInt32());
        Assert.Equal(added, summary.GetProperty("added").GetInt32());
        Assert.Equal(gated, summary.GetProperty("gated").GetInt32());
        Assert.Equal(["Morgan, Casey", "Riley Unknown"], summary.GetProperty("unmatchedAgents").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal([10, 11, 17], summary.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()));
    }

    [Fact]
    public async Task AddsExactlyWhatTheWebhooksMissedOnceAndASecondRunAddsNothing()
    {
        await DeliverTheWebhooksAsync();
        Assert.Equal(2, (await _host.RowsAsync("FactEvent")).Length);

        var preview = await BackfillAsync(Export, dryRun: true);
        AssertCounts(preview, alreadyCounted: 3, added: 5, gated: 1);
        Assert.True(preview.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, (await _host.RowsAsync("FactEvent")).Length);

        AssertCounts(await BackfillAsync(Export), alreadyCounted: 3, added: 5, gated: 1);
        AssertCounts(await BackfillAsync(Export), alreadyCounted: 8, added: 0, gated: 1);

        var facts = (await _host.RowsAsync("FactEvent")).ToDictionary(r => r.GetProperty("EventKey").GetString()!);
        Assert.Equal(7, facts.Count);
        Assert.Contains("aloware#CALLS#88001234", facts.Keys);
        Assert.Contains("aloware#TEXTS#88001301", facts.Keys);
        AssertFact(facts["aloware#CALLS#88002001"], agent: 103, dateKey: 20261124, occurredAtUtc: "2026-11-24T21:45:00");
        // 23:30 in New York is the next day in UTC: the DateKey is the export's local date.
        AssertFact(facts["aloware#CALLS#88002002"], agent: 104, dateKey: 20261124, occurredAtUtc: "2026-11-25T04:30:00");
        AssertFact(facts["aloware#TEXTS#88002003"], agent: 102, dateKey: 20261125, occurredAtUtc: "2026-11-25T14:05:00");
        // 01:30 on the day the clocks go back happens twice: the first, daylight (UTC-4), one.
        AssertFact(facts["aloware#CALLS#88002009"], agent: 103, dateKey: 20261101, occurredAtUtc: "2026-11-01T05:30:00");
        AssertFact(facts["aloware#EMAILS#88002010"], agent: 104, dateKey: 20261127, occurredAtUtc: "2026-11-27T16:00:00");
        Assert.Equal(250, facts["aloware#CALLS#88002001"].GetProperty("TalkTimeSec").GetInt64());
    }

    private static void AssertFact(JsonElement fact, long agent, int dateKey, string occurredAtUtc)
    {
        Assert.Equal(agent, fact.GetProperty("AgentID").GetInt64());
        Assert.Equal(dateKey, fact.GetProperty("DateKey").GetInt32());
        Assert.StartsWith(occurredAtUtc, fact.GetProperty("OccurredAtUtc").GetString());
    }

    [Fact]
    public async Task AnAgentOffTheRosterIsQuarantinedLikeAWebhookFact()
    {
        await BackfillAsync(Export);

        using var list = await _host.SignedPostAsync("/api/admin/quarantine/list", "{}"u8.ToArray());
        var agents = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("agents").EnumerateArray().ToArray();
        Assert.Equal(999, Assert.Single(agents).GetProperty("agentId").GetInt64());
    }

    [Fact]
    public async Task AFileWithoutAnIdColumnIs400NamingTheColumnAndCountsNothing()
    {
        using var response = await _host.SignedPostAsync(Path, "Started At,Type\n2026-11-24 16:45:00,Call\n"u8.ToArray(), contentType: "text/csv");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("Communication ID", out _));
        Assert.Empty(await _host.RowsAsync("FactEvent"));
    }

    [Fact]
    public async Task JsonInsteadOfCsvIs415BeforeAnythingIsReadAndUnsignedIs401First()
    {
        using var signed = await _host.SignedPostAsync(Path, Encoding.UTF8.GetBytes("{}"));
        using var unsigned = await _host.CreateClient().PostAsync(Path, new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task LinesOlderThanTheLedgerRemembersAreErrorsNotFacts()
    {
        using var host = new LocalHostFactory(LocalHostFactory.On(sink, new() { ["BUSINESS_TIME_ZONE"] = "America/New_York", ["Ledger:Retention"] = "1.00:00:00" }));
        using var response = await host.SignedPostAsync(Path, Export, contentType: "text/csv");
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(0, summary.GetProperty("added").GetInt32());
        Assert.Equal(0, summary.GetProperty("countable").GetInt32());
        Assert.Contains("Ledger__Retention", summary.GetProperty("errors")[0].GetProperty("reason").GetString());
        Assert.Empty(await host.RowsAsync("FactEvent"));
    }
}

public sealed class AlowareBackfillOnPowerBiTests() : AlowareBackfillTests(LocalHostFactory.PowerBi);

public sealed class AlowareBackfillOnEventhouseTests() : AlowareBackfillTests(LocalHostFactory.Eventhouse);
