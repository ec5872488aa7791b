using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ingest.LocalHost.Tests;

/// <summary>The whole ingest path through the local host: HTTP in, the embedded sink's FactEvent out, on each sink.</summary>
public abstract class WebhookEndToEndTests(string sink) : IDisposable
{
    private readonly LocalHostFactory _host = new(LocalHostFactory.On(sink));

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task TheSixDeliveriesOfACompletedCallYieldOneCallsRowDatedInTheBusinessZone()
    {
        var answers = new List<JsonElement>();
        foreach (var sample in new[] { "call-1-initiation.json", "call-2-disposition-completed.json", "call-3-recording-saved.json", "call-4-call-disposed.json", "call-5-transcription-summarized.json", "call-6-transcription-saved.json" })
        {
            answers.Add(await _host.AnswerOfAsync(LocalHostFactory.Sample(sample)));
        }

        var row = Assert.Single(await _host.RowsAsync("FactEvent"));
        Assert.Equal("CALLS", row.GetProperty("MetricID").GetString());
        Assert.Equal(101, row.GetProperty("AgentID").GetInt64());
        Assert.Equal(20261126, row.GetProperty("DateKey").GetInt32());
        // The recording event's body carries the final disposition: a repeat of the call, absorbed by the ledger.
        Assert.Equal(["ignored", "processed", "processed", "processed", "ignored", "ignored"], answers.Select(a => a.GetProperty("status").GetString()));
        Assert.Equal(1, answers[1].GetProperty("facts").GetInt32());
        Assert.Equal(1, answers[2].GetProperty("duplicates").GetInt32());
        Assert.Equal(1, answers[3].GetProperty("duplicates").GetInt32());
        Assert.Equal(0, answers[3].GetProperty("facts").GetInt32());
    }

    [Fact]
    public async Task AnEveningCallIsDatedByTheBusinessZoneNotUtc()
    {
        await _host.AnswerOfAsync("""{"event":"OutboundPhoneCall-DispositionCompleted","body":{"id":5001,"type":1,"direction":2,"user_id":102,"disposition_status2":4,"created_at":"2026-12-01 02:30:00"}}""");

        var row = Assert.Single(await _host.RowsAsync("FactEvent"));
        Assert.Equal(20261130, row.GetProperty("DateKey").GetInt32()); // 21:30 EST on 30 November
        Assert.Contains(await _host.RowsAsync("DimDate"), d => d.GetProperty("DateKey").GetInt32() == 20261130);
    }

    [Fact]
    public async Task AnSmsYieldsOneTextsRow()
    {
        var answer = await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));

        Assert.Equal("processed", answer.GetProperty("status").GetString());
        var row = Assert.Single(await _host.RowsAsync("FactEvent"));
        Assert.Equal("TEXTS", row.GetProperty("MetricID").GetString());
        Assert.Equal(102, row.GetProperty("AgentID").GetInt64());
    }

    [Fact]
    public async Task AnAgentOffTheRosterIsGated()
    {
        var answer = await _host.AnswerOfAsync("""{"event":"InboundSMS-DispositionCompleted","body":{"id":7001,"type":2,"user_id":999}}""");

        Assert.Equal(1, answer.GetProperty("gated").GetInt32());
        Assert.Empty(await _host.RowsAsync("FactEvent"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task AMissingOrWrongCredentialIs401ProblemJson(string? token)
    {
        var client = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhook/aloware") { Content = new StringContent(LocalHostFactory.Sample("sms-inbound-completed.json"), Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await _host.RowsAsync("FactEvent"));
    }

    [Fact]
    public async Task BasicAuthWithTheTokenAsPasswordIsAccepted()
    {
        var client = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhook/aloware") { Content = new StringContent(LocalHostFactory.Sample("sms-inbound-completed.json"), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("aloware:" + LocalHostFactory.Token)));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("not json at all", "application/json", 400)]
    [InlineData("{\"event\":", "application/json", 400)]
    [InlineData("", "application/json", 400)]
    [InlineData("[1,2,3]", "application/json", 200)]
    [InlineData("{}", "application/json", 200)]
    [InlineData("{\"test_payload\":true}", "application/json", 200)]
    [InlineData("{\"event\":\"x\",\"body\":{\"id\":{\"a\":1},\"type\":\"call\"}}", "application/json", 200)]
    [InlineData("{\"test_payload\":true}", "text/plain", 415)]
    public async Task MalformedInputIsNeverA5xx(string body, string contentType, int expected)
    {
        var client = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhook/aloware") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalHostFactory.Token);

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413()
    {
        using var response = await _host.DeliverAsync("{\"pad\":\"" + new string('x', 300 * 1024) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AnUnknownSourceIs404()
    {
        using var response = await _host.DeliverAsync("{}", source: "zendesk");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task HealthReportsTheWritersCounters()
    {
        await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));

        var health = await _host.CreateClient().GetFromJsonAsync<JsonElement>("/api/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(1, health.GetProperty("writer").GetProperty("posts").GetInt64());
        Assert.Equal(1, health.GetProperty("writer").GetProperty("rows").GetInt64());
        Assert.Equal(0, health.GetProperty("writer").GetProperty("throttled").GetInt64());
    }

    [Fact]
    public async Task StatsCountRowsAndPostsPerTable()
    {
        await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));

        var stats = await _host.CreateClient().GetFromJsonAsync<JsonElement>("/local/stats");

        var fact = stats.GetProperty("tables").GetProperty("FactEvent");
        Assert.Equal(1, fact.GetProperty("rows").GetInt64());
        Assert.Equal(1, fact.GetProperty("posts").GetInt64());
        Assert.Equal(0, fact.GetProperty("throttled").GetInt64());
        Assert.Equal(4, stats.GetProperty("tables").GetProperty("DimAgent").GetProperty("rows").GetInt64());
    }
}

public sealed class WebhookEndToEndOnPowerBiTests() : WebhookEndToEndTests(LocalHostFactory.PowerBi);

public sealed class WebhookEndToEndOnEventhouseTests() : WebhookEndToEndTests(LocalHostFactory.Eventhouse);
