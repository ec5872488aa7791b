using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Ingest.LocalHost;

/// <summary>Tells a newcomer where the host listens and gives a curl that yields a fact at once.</summary>
internal static class StartupBanner
{
    public static void Print(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5000";
        var token = app.Configuration[Integrations.Aloware.AlowareWebhookOptions.TokenName] == "local-dev-token" ? "local-dev-token" : "$ALOWARE_WEBHOOK_TOKEN";
        var sink = app.Services.GetRequiredService<Ingest.PowerBiEmulator.IEmulatedSink>() is Ingest.EventhouseEmulator.EmulatedEventhouse ? "Eventhouse emulator" : "Power BI emulator";
        var created = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var id = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = "{\"event\":\"OutboundPhoneCall-DispositionCompleted\",\"body\":{\"id\":" + id
            + ",\"type\":1,\"direction\":2,\"user_id\":101,\"disposition_status2\":4,\"duration\":95,\"talk_time\":80,\"created_at\":\"" + created + "\"}}";
        Console.WriteLine($"""

            Ingest local host listening on {address} (embedded defaults: {sink}, in-memory ledger and capture queue)
            Post a completed outbound call by agent 101:

              curl -s -X POST {address}/api/webhook/aloware -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \
                -d '{body}'

            Then see the fact:   curl -s {address}/local/tables/FactEvent
            And the counters:    curl -s {address}/local/stats

            """);
    }
}
