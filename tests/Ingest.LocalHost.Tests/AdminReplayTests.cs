using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ingest.LocalHost.Tests;

/// <summary>The signed poison replay through the local host: a delivery that kept failing is listed, replayed, and lands once.</summary>
public abstract class AdminReplayTests(string sink) : IDisposable
{
    private const string Secret = "local-dev-admin-secret";

    private readonly LocalHostFactory _host = new(LocalHostFactory.On(sink, new()
    {
        ["Capture:RedriveDelay"] = "00:00:00.300",
        ["Capture:VisibilityTimeout"] = "00:00:02",
        ["Capture:PollInterval"] = "00:00:00.100",
        ["Capture:MaxDequeueCount"] = "1",
        ["PowerBi:Writer:MaxAttempts"] = "1",
        ["PowerBi:Writer:BreakerFailures"] = "1000",
    }));

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    private Task<HttpResponseMessage> SignedAsync(object body, string secret = Secret, string? nonce = null)
        => _host.SignedPostAsync("/api/admin/replay", JsonSerializer.SerializeToUtf8Bytes(body), secret, nonce);

    private async Task<int> PoisonedCountAsync()
    {
        using var response = await SignedAsync(new { dryRun = true });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32();
    }

    [Fact]
    public async Task APoisonedDeliveryIsListedThenReplayedAndLandsOnce()
    {
        await _host.RowsAsync("DimAgent");
        // A refusal retrying cannot cure (access to the workspace revoked) spends attempts; an outage would only postpone.
        (await _host.CreateClient().PostAsJsonAsync("/local/faults", new { status = 403, count = 1000 })).EnsureSuccessStatusCode();
        var answer = await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));
        Assert.Equal("deferred", answer.GetProperty("status").GetString());

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await PoisonedCountAsync() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal(1, await PoisonedCountAsync()); // a dry run leaves it where it is
        (await _host.CreateClient().PostAsJsonAsync("/local/faults", new { count = 0 })).EnsureSuccessStatusCode();

        using var replay = await SignedAsync(new { requestId = (string?)null, dryRun = false });
        var replayed = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, replayed.GetProperty("count").GetInt32());

        deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await _host.RowsAsync("FactEvent")).Length == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal("aloware#TEXTS#88001301", Assert.Single(await _host.RowsAsync("FactEvent")).GetProperty("EventKey").GetString());
        Assert.Equal(0, await PoisonedCountAsync());
    }

    [Fact]
    public async Task AnUnsignedOrWronglySignedReplayIs401WithAReason()
    {
        using var unsigned = await _host.CreateClient().PostAsync("/api/admin/replay", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var wrong = await SignedAsync(new { dryRun = true }, secret: "not-the-admin-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("missing_headers", (await unsigned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("bad_signature", (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AReplayedNonceIs401()
    {
        using var first = await SignedAsync(new { dryRun = true }, nonce: "nonce-replay-0000001");
        using var again = await SignedAsync(new { dryRun = true }, nonce: "nonce-replay-0000001");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("replayed_nonce", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ABodyOverAMebibyteIs413NamingTheBodyBeforeItsSignatureIsChecked()
    {
        using var response = await _host.SignedPostAsync("/api/admin/replay", new byte[1024 * 1024 + 1]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("body", out _));
    }
}

public sealed class AdminReplayOnPowerBiTests() : AdminReplayTests(LocalHostFactory.PowerBi);

public sealed class AdminReplayOnEventhouseTests() : AdminReplayTests(LocalHostFactory.Eventhouse);
