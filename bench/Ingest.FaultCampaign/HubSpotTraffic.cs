using System.Globalization;
using System.Text;
using Ingest.Integrations.HubSpot;
using Ingest.Testing;

namespace Ingest.FaultCampaign;

/// <summary>One signed HubSpot batch: when to send it (seconds after the start), its body, and the facts it should yield.</summary>
public sealed record HubSpotBatch(double At, string Body, IReadOnlyList<string> ExpectedKeys);

/// <summary>
/// HubSpot's side of the campaign: the fake CRM the hosts enrich against, and signed batches of sent emails and
/// closed tickets, with duplicate events inside a batch and HubSpot's own retries of a batch it saw fail.
/// </summary>
public sealed class HubSpotTraffic : IAsyncDisposable
{
    private const string Secret = "campaign-hubspot-client-secret";
    private const string PublicUrl = "https://ingest.example.com/api/webhook/hubspot";

    /// <summary>HubSpot owner id → the roster e-mail of agents 101 to 104 (samples/roster.json).</summary>
    private static readonly Dictionary<string, string> Owners = new()
    {
        ["11"] = "avery.brooks@example.com", ["12"] = "jordan.lee@example.com", ["13"] = "sam.rivera@example.com", ["14"] = "casey.morgan@example.com",
    };

    private readonly FakeHubSpot _crm;

    private HubSpotTraffic(FakeHubSpot crm) => _crm = crm;

    public static async Task<HubSpotTraffic> StartAsync()
    {
        var crm = await FakeHubSpot.StartAsync();
        foreach (var (id, email) in Owners)
        {
            crm.Owners[id] = email;
        }

        return new HubSpotTraffic(crm);
    }

    /// <summary>What every host needs to verify HubSpot's signature and read the CRM.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["HUBSPOT_CLIENT_SECRET"] = Secret,
        ["HUBSPOT_WEBHOOK_URL"] = PublicUrl,
        ["HUBSPOT_ACCESS_TOKEN"] = FakeHubSpot.Token,
        ["HUBSPOT_API_BASE_URL"] = _crm.BaseAddress.ToString(),
    };

    /// <summary>A batch every two seconds of one to four sent emails, often a closed ticket, sometimes an event twice; the CRM knows each object.</summary>
    public IReadOnlyList<HubSpotBatch> Build(int seconds, int seed, long firstId)
    {
        var random = new Random(seed);
        var batches = new List<HubSpotBatch>();
        var id = firstId;
        var day = new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero);
        for (var at = 1.0; at < seconds; at += 2)
        {
            var events = new List<string>();
            var keys = new List<string>();
            var occurredAt = day.AddSeconds(at);
            for (var i = random.Next(1, 5); i > 0; i--)
            {
                var email = id++;
                _crm.AddEmail(email, Owner(random), "EMAIL", occurredAt);
                events.Add(EmailCreated(email, occurredAt));
                keys.Add($"hubspot#EMAILS#{email}");
            }

            if (random.NextDouble() < 0.5)
            {
                var ticket = id++;
                _crm.AddTicketHistory(ticket, Owner(random), ("1", occurredAt.AddMinutes(-30)), ("4", occurredAt));
                events.Add(TicketClosed(ticket, occurredAt));
                keys.Add($"hubspot#CASES#{ticket}");
            }

            if (random.NextDouble() < 0.2)
            {
                events.Add(events[random.Next(events.Count)]); // HubSpot repeats an event inside a batch
            }

            batches.Add(new HubSpotBatch(at, "[" + string.Join(",", events) + "]", keys));
        }

        return batches;
    }

    /// <summary>The batch as HubSpot posts it: signed (v3) over the public URL with the current timestamp; a retry says which attempt it is.</summary>
    public static HttpRequestMessage Request(Uri host, HubSpotBatch batch, int attempt)
    {
        var body = attempt == 0 ? batch.Body : batch.Body.Replace("\"attemptNumber\":0", $"\"attemptNumber\":{attempt}", StringComparison.Ordinal);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host, "api/webhook/hubspot")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
        request.Headers.Add("X-HubSpot-Signature-v3", Convert.ToBase64String(HubSpotSignature.V3(Secret, "POST", PublicUrl, Encoding.UTF8.GetBytes(body), timestamp)));
        return request;
    }

    private static string Owner(Random random) => Owners.Keys.ElementAt(random.Next(Owners.Count));

    private static string EmailCreated(long id, DateTimeOffset at)
        => string.Create(CultureInfo.InvariantCulture, $$"""{"eventId":{{id}},"subscriptionId":1,"portalId":62515,"appId":54321,"occurredAt":{{at.ToUnixTimeMilliseconds()}},"subscriptionType":"object.creation","objectTypeId":"0-49","attemptNumber":0,"objectId":{{id}},"changeSource":"CRM"}""");

    private static string TicketClosed(long id, DateTimeOffset at)
        => string.Create(CultureInfo.InvariantCulture, $$"""{"eventId":{{id}},"subscriptionId":2,"portalId":62515,"occurredAt":{{at.ToUnixTimeMilliseconds()}},"subscriptionType":"ticket.propertyChange","attemptNumber":0,"objectId":{{id}},"propertyName":"hs_pipeline_stage","propertyValue":"4","changeSource":"CRM"}""");

    public ValueTask DisposeAsync() => _crm.DisposeAsync();
}
