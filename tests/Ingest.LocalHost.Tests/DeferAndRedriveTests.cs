using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ingest.LocalHost.Tests;

/// <summary>Power BI faults seen from outside: the delivery is answered "deferred", then lands once when the fault clears.</summary>
[Trait("Category", "Slow")]
public abstract class DeferAndRedriveTests(string sink) : IDisposable
{
    private readonly LocalHostFactory _host = new(LocalHostFactory.On(sink, new()
    {
        ["Capture:RedriveDelay"] = "00:00:01",
        ["Capture:VisibilityTimeout"] = "00:00:01",
        ["Capture:PollInterval"] = "00:00:00.200",
    }));

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

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

    /// <summary>
    /// The README's "Try it", on a host with the default redrive delay: its faults, then its text, answered deferred
    /// within seconds and landing once about 30 s later, as its sentence says.
    /// </summary>
    [Fact]
    public async Task TheReadmesTryItExampleDoesWhatItsSentenceSays()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Ingest.Testing.ExternalTool.RepositoryRoot, "README.md"));
        var faults = System.Text.RegularExpressions.Regex.Match(readme, """/local/faults .* -d '(?<body>\{[^']*\})'""").Groups["body"].Value;
        Assert.Contains("about 30 seconds\nlater (`Capture__RedriveDelay`)", readme.Replace("\r\n", "\n"));
        using var host = new LocalHostFactory(LocalHostFactory.On(sink));
        var client = host.CreateClient();
        foreach (var call in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "samples", "aloware"), "call-*.json").Order())
        {
            (await host.DeliverAsync(await File.ReadAllTextAsync(call))).EnsureSuccessStatusCode();
        }

        (await client.PostAsync("/local/faults", new StringContent(faults, System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var sent = System.Diagnostics.Stopwatch.StartNew();
        var answer = await host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));
        Assert.Equal("deferred", answer.GetProperty("status").GetString());
        Assert.True(sent.Elapsed < TimeSpan.FromSeconds(15), $"answered after {sent.Elapsed.TotalSeconds:F1} s");

        while ((await host.RowsAsync("FactEvent")).Length < 2 && sent.Elapsed < TimeSpan.FromSeconds(80))
        {
            await Task.Delay(500);
        }

        var rows = await host.RowsAsync("FactEvent");
        Assert.Equal(["aloware#CALLS#88001234", "aloware#TEXTS#88001301"], rows.Select(r => r.GetProperty("EventKey").GetString()).Order());
        // The redrive waits Capture__RedriveDelay (30 s), then its next poll: about 30 s, not the minute and a half of a fault per redrive.
        Assert.InRange(sent.Elapsed.TotalSeconds, 28, 60);
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

[Trait("Category", "Slow")]
public sealed class DeferAndRedriveOnPowerBiTests() : DeferAndRedriveTests(LocalHostFactory.PowerBi);

[Trait("Category", "Slow")]
public sealed class DeferAndRedriveOnEventhouseTests() : DeferAndRedriveTests(LocalHostFactory.Eventhouse);
