using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.LocalHost.Tests;

/// <summary>The local host in process, on its embedded defaults, with settings a test may override.</summary>
public sealed class LocalHostFactory(Dictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public const string Token = "local-dev-token";

    /// <summary>The sinks an end-to-end test runs against: Power BI's push emulator and the Eventhouse emulator, both embedded.</summary>
    public const string PowerBi = "PowerBi";
    public const string Eventhouse = "Eventhouse";

    /// <summary><paramref name="settings"/> on <paramref name="sink"/>; a writer setting given for Power BI is given to the Eventhouse's writer too.</summary>
    public static Dictionary<string, string?> On(string sink, Dictionary<string, string?>? settings = null)
    {
        var on = new Dictionary<string, string?>(settings ?? []) { ["Sink:Kind"] = sink };
        foreach (var (key, value) in settings ?? [])
        {
            if (sink == Eventhouse && key.Replace("__", ":", StringComparison.Ordinal) is var name && name.StartsWith("PowerBi:Writer:", StringComparison.Ordinal)
                && EventhouseEquivalent(name["PowerBi:Writer:".Length..]) is { } equivalent)
            {
                on["Eventhouse:Writer:" + equivalent] = value;
            }
        }

        return on;
    }

    private static string? EventhouseEquivalent(string powerBiWriterSetting) => powerBiWriterSetting switch
    {
        "MaxAttempts" or "BreakerFailures" or "BreakerOpenFor" or "MaxQueuedRows" or "MaxRetryAfter" or "FlushWindow" => powerBiWriterSetting,
        "MaxRowsPerPost" => "MaxRowsPerRequest",
        _ => null,
    };

    /// <summary>The embedded emulator of the sink in use.</summary>
    public PowerBiEmulator.IEmulatedSink Sink => Services.GetRequiredService<PowerBiEmulator.IEmulatedSink>();
    public const string AdminSecret = "local-dev-admin-secret";

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings ?? [])
        {
            builder.UseSetting(key, value);
        }

        Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseShutdownTimeout(builder, TimeSpan.FromSeconds(2));
        if (services is not null)
        {
            Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(builder, services);
        }
    }

    public async Task<HttpResponseMessage> DeliverAsync(string json, string token = Token, string source = "aloware")
    {
        var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhook/{source}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    public async Task<JsonElement> AnswerOfAsync(string json)
    {
        using var response = await DeliverAsync(json);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement[]> RowsAsync(string table)
    {
        var body = await CreateClient().GetFromJsonAsync<JsonElement>($"/local/tables/{table}");
        return body.GetProperty("rows").EnumerateArray().ToArray();
    }

    /// <summary>A POST signed exactly as the admin contract says (docs/contracts.md, "Admin signature").</summary>
    public async Task<HttpResponseMessage> SignedPostAsync(
        string path, byte[] body, string secret = AdminSecret, string? nonce = null, string contentType = "application/json", CancellationToken cancellationToken = default)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        nonce ??= Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new(contentType);
        request.Headers.Add("X-Admin-Timestamp", timestamp);
        request.Headers.Add("X-Admin-Nonce", nonce);
        request.Headers.Add("X-Admin-Signature", Core.Admin.AdminAuthenticator.Sign(secret, timestamp, nonce, "POST", path, body));
        return await CreateClient().SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> SignedPostAsync(string path, object body) => SignedPostAsync(path, JsonSerializer.SerializeToUtf8Bytes(body));

    public const string HubSpotSecret = "hubspot-app-client-secret";
    public const string HubSpotPublicUrl = "https://ingest.example.com/api/webhook/hubspot";

    /// <summary>The settings of a host whose HubSpot is the fake: its webhook secret, public URL, token and API address.</summary>
    public static Dictionary<string, string?> HubSpotSettings(Testing.FakeHubSpot hubSpot, Dictionary<string, string?> more) => new(more)
    {
        ["HUBSPOT_CLIENT_SECRET"] = HubSpotSecret,
        ["HUBSPOT_WEBHOOK_URL"] = HubSpotPublicUrl,
        ["HUBSPOT_ACCESS_TOKEN"] = Testing.FakeHubSpot.Token,
        ["HUBSPOT_API_BASE_URL"] = hubSpot.BaseAddress.ToString(),
    };

    /// <summary>A HubSpot delivery signed (v3) as HubSpot signs it for <see cref="HubSpotPublicUrl"/>, unless a test forges it.</summary>
    public async Task<HttpResponseMessage> PostHubSpotAsync(string body, string? signature = null, long? timestamp = null)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhook/hubspot") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-HubSpot-Request-Timestamp", ts);
        request.Headers.Add("X-HubSpot-Signature-v3", signature ?? Convert.ToBase64String(Integrations.HubSpot.HubSpotSignature.V3(HubSpotSecret, "POST", HubSpotPublicUrl, Encoding.UTF8.GetBytes(body), ts)));
        return await CreateClient().SendAsync(request);
    }

    /// <summary>Waits until the in-memory capture queue is empty (the redrive settled everything), at most a minute.</summary>
    public async Task WaitUntilSettledAsync()
    {
        var queue = (Core.Capture.InMemoryCaptureQueue)Services.GetRequiredService<Core.Capture.ICaptureQueue>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (queue.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Xunit.Assert.Equal(0, queue.Count);
    }

    public static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "aloware", name));
}
