using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ingest.LocalHost.Tests;

/// <summary>Power BI faults seen from outside: the delivery is answered "deferred", then lands once when the fault clears.</summary>
[Trait("Category", "Slow")]
public sealed class DeferAndRedriveTests : IDisposable
{
    private readonly LocalHostFactory _host = new(new()
    {
        ["Capture:RedriveDelay"] = "00:00:01",
        ["Capture:VisibilityTimeout"] = "00:00:01",
        ["Capture:PollInterval"] = "00:00:00.200",
    });

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task ADeferredDeliveryLandsOnceAfterTheFaultClears()
    {
        var client = _host.CreateClient();
        await _host.RowsAsync("DimAgent"); // start the host (and its roster load) before injecting faults
        // The writer tries a POST four times (PowerBi__Writer__MaxAttempts) before it gives the rows back.
        (await client.PostAsJsonAsync("/local/faults", new { status = 503, count = 4 })).EnsureSuccessStatusCode();

        using var response = await _host.DeliverAsync(LocalHostFactory.Sample("call-2-disposition-completed.json"));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("deferred", answer.GetProperty("status").GetString());
        var rows = await WaitForRowsAsync(1, TimeSpan.FromSeconds(30));
        Assert.Equal("aloware#CALLS#88001234", Assert.Single(rows).GetProperty("EventKey").GetString());

        // A repeat after recovery is a duplicate, not a second row.
        var repeat = await _host.AnswerOfAsync(LocalHostFactory.Sample("call-4-call-disposed.json"));
        Assert.Equal(1, repeat.GetProperty("duplicates").GetInt32());
        Assert.Single(await _host.RowsAsync("FactEvent"));
    }

    [Theory]
    [InlineData("""{"status":503,"count":-1}""")]
    [InlineData("""{"status":200,"count":2}""")]
    [InlineData("""not json""")]
    public async Task ABadFaultRequestIs400(string body)
    {
        using var response = await _host.CreateClient().PostAsync("/local/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<JsonElement[]> WaitForRowsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement[] rows;
        while ((rows = await _host.RowsAsync("FactEvent")).Length < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        return rows;
    }
}
