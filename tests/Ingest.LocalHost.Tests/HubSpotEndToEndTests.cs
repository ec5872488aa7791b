using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ingest.Core.Capture;
using Ingest.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// Signed HubSpot batches through the local host, enriched against the fake HubSpot over HTTP, into FactEvent:
/// one EMAILS fact per sent email, one CASES fact per closed ticket, and nothing extra from HubSpot's retries,
/// duplicates, reopen-and-close or out-of-order events.
/// </summary>
public abstract class HubSpotEndToEndTests(string sink) : HubSpotHostTests(sink: sink)
{
    private const string Secret = LocalHostFactory.HubSpotSecret;
    private const string PublicUrl = LocalHostFactory.HubSpotPublicUrl;

    private static string EmailCreated(long id, long occurredAt, int attempt = 0)
        => $$"""{"eventId":{{id}},"subscriptionId":1,"portalId":62515,"appId":54321,"occurredAt":{{occurredAt}},"subscriptionType":"object.creation","objectTypeId":"0-49","attemptNumber":{{attempt}},"objectId":{{id}},"changeSource":"CRM"}""";

    private static string StageChanged(long ticket, string stage, long occurredAt, bool generic = false)
        => generic
            ? $$"""{"eventId":{{ticket}}{{stage}},"portalId":62515,"occurredAt":{{occurredAt}},"eventType":"object.propertyChange","objectTypeId":"0-5","objectId":{{ticket}},"propertyName":"hs_pipeline_stage","propertyValue":"{{stage}}"}"""
            : $$"""{"eventId":{{ticket}}{{stage}},"subscriptionId":2,"portalId":62515,"occurredAt":{{occurredAt}},"subscriptionType":"ticket.propertyChange","attemptNumber":0,"objectId":{{ticket}},"propertyName":"hs_pipeline_stage","propertyValue":"{{stage}}","changeSource":"CRM"}""";

    private static long Ms(int minutes) => At.AddMinutes(minutes).ToUnixTimeMilliseconds();

    private Task<HttpResponseMessage> PostAsync(string body, string? signature = null, long? timestamp = null) => Host.PostHubSpotAsync(body, signature, timestamp);

    /// <summary>Waits until nothing is left captured, then returns FactEvent's HubSpot rows.</summary>
    private async Task<JsonElement[]> SettledRowsAsync()
    {
        await Host.WaitUntilSettledAsync();
        return (await Host.RowsAsync("FactEvent")).Where(r => r.GetProperty("Source").GetString() == "hubspot").ToArray();
    }

    [Fact]
    public async Task OneFactPerSentEmailAndPerClosedTicketForTheRightAgentAndDate()
    {
        HubSpot.AddEmail(1, "11", "EMAIL", At.AddMinutes(-2));
        HubSpot.AddEmail(2, "11", "INCOMING_EMAIL", At);
        HubSpot.AddTicket(7, "12", "4");
        HubSpot.AddTicket(8, "12", "2");

        using var response = await PostAsync($"[{EmailCreated(1, Ms(0))},{EmailCreated(2, Ms(1))},{StageChanged(7, "4", Ms(3))},{StageChanged(8, "2", Ms(4), generic: true)}]");
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("accepted", answer.GetProperty("status").GetString());
        Assert.Equal(0, HubSpot.Requests); // answered from the capture alone: enrichment is the redrive's
        var rows = await SettledRowsAsync();
        var email = Assert.Single(rows, r => r.GetProperty("MetricID").GetString() == "EMAILS");
        var ticket = Assert.Single(rows, r => r.GetProperty("MetricID").GetString() == "CASES");
        Assert.Equal(("hubspot#EMAILS#1", 101, 20261126), (email.GetProperty("EventKey").GetString(), email.GetProperty("AgentID").GetInt64(), email.GetProperty("DateKey").GetInt32()));
        Assert.Equal(("hubspot#CASES#7", 102), (ticket.GetProperty("EventKey").GetString(), ticket.GetProperty("AgentID").GetInt64()));
        Assert.Equal(2, rows.Length);
    }

    [Fact]
    public async Task RetriesDuplicatesAndAReopenedTicketClosedAgainAddNothing()
    {
        HubSpot.AddEmail(1, "11", "EMAIL", At);
        HubSpot.AddTicket(7, "12", "4");
        var batch = $"[{StageChanged(7, "4", Ms(5))},{EmailCreated(1, Ms(0))},{EmailCreated(1, Ms(0))}]"; // out of order, a duplicate inside

        (await PostAsync(batch)).Dispose();
        (await PostAsync(batch.Replace("\"attemptNumber\":0", "\"attemptNumber\":1", StringComparison.Ordinal))).Dispose(); // HubSpot's retry
        (await PostAsync($"[{StageChanged(7, "1", Ms(20))},{StageChanged(7, "4", Ms(30))}]")).Dispose(); // reopened, closed again

        var rows = await SettledRowsAsync();
        Assert.Equal(["hubspot#CASES#7", "hubspot#EMAILS#1"], rows.Select(r => r.GetProperty("EventKey").GetString()).Order());
    }

    [Fact]
    public async Task AnOwnerWithNoAgentIsGatedAndQuarantined()
    {
        HubSpot.AddEmail(3, "13", "EMAIL", At);

        (await PostAsync($"[{EmailCreated(3, Ms(0))}]")).Dispose();

        Assert.Empty(await SettledRowsAsync());
        var quarantined = await Host.Services.GetRequiredService<IQuarantineStore>().ReadAsync(new HashSet<long> { -13 }, CancellationToken.None);
        Assert.Equal("hubspot#EMAILS#3", Assert.Single(quarantined).EventKey);
    }

    [Fact]
    public async Task AFullBatchOfOneHundredIsAnsweredFromTheCaptureAlone()
    {
        foreach (var id in Enumerable.Range(1, 100))
        {
            HubSpot.AddEmail(id, "11", "EMAIL", At);
        }

        using var response = await PostAsync($"[{string.Join(',', Enumerable.Range(1, 100).Select(id => EmailCreated(id, Ms(0))))}]");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, HubSpot.Requests);
        Assert.Equal(100, (await SettledRowsAsync()).Length);
    }

    [Fact]
    public async Task ForgedOrStaleDeliveriesAreRefusedAndNothingIsCaptured()
    {
        var body = $"[{EmailCreated(1, Ms(0))}]";

        using var forged = await PostAsync(body, signature: Convert.ToBase64String(new byte[32]));
        using var stale = await PostAsync(body, timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeMilliseconds());

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains("bad_signature", await forged.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(0, ((InMemoryCaptureQueue)Host.Services.GetRequiredService<ICaptureQueue>()).Count);
    }

    [Fact]
    public async Task EventsThatCountNothingAreAnsweredIgnoredNeverRefused()
    {
        using var response = await PostAsync("""[{"eventId":1,"occurredAt":1764100000000,"subscriptionType":"contact.creation","objectId":5}]""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task WithHubSpotConfiguredAnAlowareEmailIsNotCountedASecondTime()
    {
        var answer = await Host.AnswerOfAsync("""{"event":"OutboundEmail-DispositionCompleted","body":{"id":9,"type":5,"direction":2,"user_id":101,"created_at":"2026-11-26 15:00:00"}}""");

        Assert.Equal("ignored", answer.GetProperty("status").GetString());
        Assert.DoesNotContain(await Host.RowsAsync("FactEvent"), r => r.GetProperty("MetricID").GetString() == "EMAILS");
    }
}

public sealed class HubSpotEndToEndOnPowerBiTests() : HubSpotEndToEndTests(LocalHostFactory.PowerBi);

public sealed class HubSpotEndToEndOnEventhouseTests() : HubSpotEndToEndTests(LocalHostFactory.Eventhouse);
