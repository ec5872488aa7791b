using System.Net;
using System.Text.Json;
using Ingest.PowerBiEmulator;

namespace Ingest.LocalHost.Tests;

/// <summary><c>GET /api/health</c>: each dependency's reachability, the writer's state, no secrets, cached for a few seconds.</summary>
[Trait("Category", "Slow")]
public sealed class HealthTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body, string Raw)> HealthAsync(LocalHostFactory host)
    {
        using var response = await host.CreateClient().GetAsync("/api/health");
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), raw);
    }

    [Fact]
    public async Task ReportsPowerBiReachableAndNoSecrets()
    {
        using var host = new LocalHostFactory();

        var (status, body, raw) = await HealthAsync(host);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("dependencies").GetProperty("powerBi").GetProperty("reachable").GetBoolean());
        Assert.False(body.GetProperty("dependencies").TryGetProperty("dynamodb", out _), "the embedded stores have no probe");
        Assert.DoesNotContain(LocalHostFactory.Token, raw);
        Assert.DoesNotContain(LocalHostFactory.AdminSecret, raw);
    }

    [Fact]
    public async Task TheReportIsCachedThenShowsPowerBiGoneAsDegradedButAccepting()
    {
        var server = await EmulatorServer.StartAsync(new PushEmulator());
        using var host = new LocalHostFactory(new()
        {
            ["LocalHost:EmbeddedPowerBi"] = "false",
            ["PowerBi:BaseUrl"] = server.BaseAddress.ToString(),
            ["PowerBi:Authentication"] = "None",
        });
        var (_, first, _) = await HealthAsync(host);

        await server.DisposeAsync(); // Power BI goes away within the cache's lifetime
        var (_, second, _) = await HealthAsync(host);

        Assert.Equal(first.GetProperty("checkedAt").GetString(), second.GetProperty("checkedAt").GetString());
        Assert.Equal("ok", second.GetProperty("status").GetString());

        await Task.Delay(Functions.Health.HealthReporter.CacheFor + TimeSpan.FromSeconds(1));
        var (status, third, _) = await HealthAsync(host);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("degraded", third.GetProperty("status").GetString());
        var powerBi = third.GetProperty("dependencies").GetProperty("powerBi");
        Assert.False(powerBi.GetProperty("reachable").GetBoolean());
        Assert.Equal("HttpRequestException", powerBi.GetProperty("error").GetString());
    }
}
