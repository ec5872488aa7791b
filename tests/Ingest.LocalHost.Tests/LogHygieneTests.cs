using System.Collections.Concurrent;
using System.Net;
using Ingest.PowerBiEmulator;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// Every log line the end-to-end paths write, at the most verbose level, rendered with its properties and
/// exceptions: none carries a token, a secret, a signature or a phone number.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LogHygieneTests : IDisposable
{
    private sealed class CapturingSink : ILogEventSink
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public void Emit(LogEvent logEvent)
        {
            using var text = new StringWriter();
            logEvent.RenderMessage(text);
            text.Write(' ');
            foreach (var (name, value) in logEvent.Properties)
            {
                text.Write($"{name}={value} ");
            }

            text.Write(logEvent.Exception);
            Lines.Enqueue(text.ToString());
        }
    }

    private static readonly string Token = "tok-" + Guid.NewGuid().ToString("N");
    private static readonly string AdminSecret = "adm-" + Guid.NewGuid().ToString("N");
    private readonly CapturingSink _sink = new();
    private readonly LocalHostFactory _host;

    public LogHygieneTests()
    {
        _host = new LocalHostFactory(
            new()
            {
                ["ALOWARE_WEBHOOK_TOKEN"] = Token,
                ["ADMIN_HMAC_SECRET"] = AdminSecret,
                ["Logging:Level"] = "Verbose",
                ["Capture:RedriveDelay"] = "00:00:01",
                ["Capture:PollInterval"] = "00:00:00.200",
            },
            services => services.AddSingleton<ILogEventSink>(_sink));
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task NoLogLineCarriesATokenASecretASignatureOrAPhoneNumber()
    {
        foreach (var sample in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "samples", "aloware"), "*.json"))
        {
            using var _ = await _host.DeliverAsync(File.ReadAllText(sample), Token);
        }

        using (await _host.DeliverAsync(LocalHostFactory.Sample("sms-inbound-completed.json"), "a-wrong-token-" + Token[..8])) { }
        using (await _host.DeliverAsync("{\"lead_number\":\"+15555550142\",", Token)) { } // malformed, with a number inside
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { members = new[] { new { id = 101, name = "Ana", email = "ana@example.com" } } });
        var nonce = Guid.NewGuid().ToString("N");
        var signedFrom = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using (var signed = await _host.SignedPostAsync("/api/admin/dimagent/sync", body, AdminSecret, nonce))
        {
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        }

        // The signature the request carried: one of the seconds around the call.
        var signatures = Enumerable.Range(-1, 3 + (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - signedFrom))
            .Select(d => Core.Admin.AdminAuthenticator.Sign(AdminSecret, (signedFrom + d).ToString(System.Globalization.CultureInfo.InvariantCulture), nonce, "POST", "/api/admin/dimagent/sync", body));

        using (var forged = await _host.SignedPostAsync("/api/admin/dimagent/sync", body, "not-" + AdminSecret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        using (await _host.SignedPostAsync("/api/admin/replay", "{}"u8.ToArray(), AdminSecret)) { }
        _host.Services.GetRequiredService<PushEmulator>().InjectFault(503, 20); // deferred, then redriven
        using (await _host.DeliverAsync(LocalHostFactory.Sample("call-2-disposition-completed.json").Replace("\"id\":", "\"id\":9", StringComparison.Ordinal), Token)) { }
        await Task.Delay(TimeSpan.FromSeconds(3)); // the redrive's lines too

        var secrets = new[] { Token, Token[..12], AdminSecret, AdminSecret[..12], "5555550142", "5555550177" }.Concat(signatures).ToArray();
        Assert.True(_sink.Lines.Count > 10, $"only {_sink.Lines.Count} lines were captured");
        Assert.All(_sink.Lines, line => Assert.DoesNotContain(secrets, secret => line.Contains(secret, StringComparison.Ordinal)));
    }
}
