using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ingest.Integrations.HubSpot;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// The signed HubSpot reconciliation against the fake CRM's search: it adds exactly what the webhooks never delivered,
/// dated and attributed as the webhook would have, and a second run adds nothing.
/// </summary>
public abstract class HubSpotReconcileTests(string sink) : HubSpotHostTests(new() { ["Ledger:Retention"] = "3650.00:00:00" }, sink)
{
    private const string Path = "/api/admin/reconcile/hubspot";

    private async Task<(HttpStatusCode Status, JsonElement Body)> ReconcileAsync(string from, string to, bool dryRun = false)
    {
        using var response = await Host.SignedPostAsync(Path, new { from, to, dryRun });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static (int, int, int, int) Counts(JsonElement summary, string metric)
    {
        var m = summary.GetProperty(metric);
        return (m.GetProperty("found").GetInt32(), m.GetProperty("alreadyCounted").GetInt32(), m.GetProperty("added").GetInt32(), m.GetProperty("gated").GetInt32());
    }

    /// <summary>What HubSpot's webhooks delivered: email 1's creation and ticket 7's close, signed; the redrive counts them.</summary>
    private async Task CountAsWebhooksDidAsync()
    {
        var occurredAt = At.ToUnixTimeMilliseconds();
        var batch = $$"""[{"eventId":1,"subscriptionId":1,"portalId":62515,"occurredAt":{{occurredAt}},"subscriptionType":"object.creation","objectTypeId":"0-49","attemptNumber":0,"objectId":1,"changeSource":"CRM"},{"eventId":74,"subscriptionId":2,"portalId":62515,"occurredAt":{{occurredAt}},"subscriptionType":"ticket.propertyChange","attemptNumber":0,"objectId":7,"propertyName":"hs_pipeline_stage","propertyValue":"4","changeSource":"CRM"}]""";
        using var response = await Host.PostHubSpotAsync(batch);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Host.WaitUntilSettledAsync();
    }

    [Fact]
    public async Task AddsOnlyWhatTheWebhooksNeverDeliveredAndASecondRunAddsNothing()
    {
        HubSpot.AddEmail(1, "11", "EMAIL", At);
        HubSpot.AddEmail(2, "11", "INCOMING_EMAIL", At);
        HubSpot.AddEmail(3, "12", "EMAIL", At.AddDays(-1));
        HubSpot.AddEmail(4, "13", "EMAIL", At); // an owner who is no agent
        HubSpot.AddEmail(5, "11", "EMAIL", At.AddDays(-10)); // outside the range
        HubSpot.AddTicket(7, "12", "4", At);
        HubSpot.AddTicket(8, "12", "2");
        // Closed on the 25th, reopened, closed again on the 26th: the webhook dates it by its first close.
        HubSpot.AddTicketHistory(9, "11", ("1", At.AddDays(-2)), ("4", At.AddDays(-1)), ("2", At.AddHours(-3)), ("4", At));
        HubSpot.AddTicket(10, "11", "4", At.AddDays(-16));
        await CountAsWebhooksDidAsync();
        Assert.Equal(2, (await Host.RowsAsync("FactEvent")).Length);

        var (status, preview) = await ReconcileAsync("2026-11-24", "2026-11-27", dryRun: true);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((3, 1, 1, 1), Counts(preview, "emails"));
        Assert.Equal((2, 1, 1, 0), Counts(preview, "cases"));
        Assert.Equal(2, (await Host.RowsAsync("FactEvent")).Length);

        var (_, applied) = await ReconcileAsync("2026-11-24", "2026-11-27");
        Assert.Equal((3, 1, 1, 1), Counts(applied, "emails"));
        Assert.Equal((2, 1, 1, 0), Counts(applied, "cases"));
        var (_, again) = await ReconcileAsync("2026-11-24", "2026-11-27");
        Assert.Equal((3, 2, 0, 1), Counts(again, "emails"));
        Assert.Equal((2, 2, 0, 0), Counts(again, "cases"));

        var facts = (await Host.RowsAsync("FactEvent")).ToDictionary(r => r.GetProperty("EventKey").GetString()!);
        Assert.Equal(["hubspot#CASES#7", "hubspot#CASES#9", "hubspot#EMAILS#1", "hubspot#EMAILS#3"], facts.Keys.Order());
        Assert.Equal((102L, 20261125), (facts["hubspot#EMAILS#3"].GetProperty("AgentID").GetInt64(), facts["hubspot#EMAILS#3"].GetProperty("DateKey").GetInt32()));
        Assert.Equal((101L, 20261125), (facts["hubspot#CASES#9"].GetProperty("AgentID").GetInt64(), facts["hubspot#CASES#9"].GetProperty("DateKey").GetInt32()));
    }

    [Fact]
    public async Task AWindowPastTheSearchLimitIsSplitAndSearchesArePaced()
    {
        HubSpot.MaxSearchResults = 3;
        Host.Services.GetRequiredService<HubSpotSearch>().MaxResultsPerQuery = 3;
        foreach (var id in Enumerable.Range(100, 10))
        {
            HubSpot.AddEmail(id, "11", "EMAIL", At.AddHours(id - 105));
        }

        var (status, summary) = await ReconcileAsync("2026-11-26", "2026-11-26");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((10, 0, 10, 0), Counts(summary, "emails"));
        Assert.Equal(10, (await Host.RowsAsync("FactEvent")).Length);
        // Paced at 4 a second: over the whole run no faster than 5 a second, whatever the network bunches up.
        var searches = HubSpot.Searches.Order().ToArray();
        Assert.True(searches.Length > 5, $"{searches.Length} searches");
        var perSecond = (searches.Length - 1) / (searches[^1] - searches[0]).TotalSeconds;
        Assert.True(perSecond <= 5, $"{searches.Length} searches at {perSecond:0.0} a second");
    }

    [Fact]
    public async Task PagesThroughEveryResultOfAWindow()
    {
        foreach (var id in Enumerable.Range(1000, 230))
        {
            HubSpot.AddEmail(id, "11", "EMAIL", At.AddSeconds(id));
        }

        var (status, summary) = await ReconcileAsync("2026-11-26", "2026-11-26", dryRun: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((230, 0, 230, 0), Counts(summary, "emails"));
        Assert.Equal(4, HubSpot.Searches.Count); // the emails in three pages of at most 100; the tickets in one
    }

    [Fact]
    public async Task ARunPastItsDeadlineSaysSoAndTheSameRangeSentAgainGetsFurtherUntilItFinishes()
    {
        foreach (var id in Enumerable.Range(1000, 230))
        {
            HubSpot.AddEmail(id, "11", "EMAIL", At.AddSeconds(id));
        }

        using var host = new LocalHostFactory(LocalHostFactory.HubSpotSettings(HubSpot, LocalHostFactory.On(Sink, new() { ["Ledger:Retention"] = "3650.00:00:00", ["Admin:RecoveryDeadline"] = "00:00:00.001" })));
        var runs = new List<JsonElement>();
        do
        {
            using var response = await host.SignedPostAsync(Path, new { from = "2026-11-26", to = "2026-11-26", dryRun = false });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            runs.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
        }
        while (!runs[^1].GetProperty("finished").GetBoolean() && runs.Count < 5);

        // A chunk of 100 emails a run: each run passes what the ones before counted and adds the next.
        Assert.Equal([100, 100, 30], runs.Select(r => r.GetProperty("emails").GetProperty("added").GetInt32()));
        Assert.Equal([0, 100, 200], runs.Select(r => r.GetProperty("emails").GetProperty("alreadyCounted").GetInt32()));
        Assert.Contains("before the tickets were searched", runs[0].GetProperty("detail").GetString());
        Assert.Contains("Send the same range again", runs[0].GetProperty("detail").GetString());
        Assert.Equal(230, (await host.RowsAsync("FactEvent")).Length);
    }

    [Fact]
    public async Task ASecondReconciliationWhileTheFirstRunsIs409()
    {
        var locks = Host.Services.GetRequiredService<Core.Storage.ITableLockStore>();
        var held = await locks.TryAcquireAsync(Core.Backfill.FactRecovery.LockName("hubspot"), "a reconciliation by ops started at 2026-11-26T15:00:00Z", TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(held.Taken);

        var (status, problem) = await ReconcileAsync("2026-11-26", "2026-11-26", dryRun: true);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("recovery_running", problem.GetProperty("reason").GetString());
        Assert.Contains("a reconciliation by ops started at 2026-11-26T15:00:00Z", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ARangeBackwardsOrInTheFutureIs400NamingTheField()
    {
        var (backwards, problem) = await ReconcileAsync("2026-11-27", "2026-11-24");
        var (future, _) = await ReconcileAsync("2026-11-24", DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(HttpStatusCode.BadRequest, backwards);
        Assert.True(problem.GetProperty("errors").TryGetProperty("to", out _));
        Assert.Equal(HttpStatusCode.BadRequest, future);
        var (forgotten, old) = await ReconcileAsync("2016-01-04", "2016-01-05");
        Assert.Equal(HttpStatusCode.BadRequest, forgotten);
        Assert.True(old.GetProperty("errors").TryGetProperty("from", out _));
    }

    [Fact]
    public async Task ABatchReadThatFindsNoneOfWhatTheSearchFoundIs503AndTheNextRunCounts()
    {
        HubSpot.AddEmail(1, "11", "EMAIL", At);
        HubSpot.BatchReadsFindNothing = true;

        var (status, problem) = await ReconcileAsync("2026-11-24", "2026-11-27");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("downstream_unavailable", problem.GetProperty("reason").GetString());
        Assert.Empty(await Host.RowsAsync("FactEvent"));

        HubSpot.BatchReadsFindNothing = false;
        var (again, summary) = await ReconcileAsync("2026-11-24", "2026-11-27");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal((1, 0, 1, 0), Counts(summary, "emails"));
    }

    [Fact]
    public async Task WithoutHubSpotTheRouteIs404()
    {
        using var host = new LocalHostFactory(LocalHostFactory.On(Sink));
        using var response = await host.SignedPostAsync(Path, new { from = "2026-11-24", to = "2026-11-25" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public sealed class HubSpotReconcileOnPowerBiTests() : HubSpotReconcileTests(LocalHostFactory.PowerBi);

public sealed class HubSpotReconcileOnEventhouseTests() : HubSpotReconcileTests(LocalHostFactory.Eventhouse);
