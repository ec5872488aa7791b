using System.Globalization;

namespace Ingest.Testing;

/// <summary>One delivery of the corpus: when to send it (seconds after the start), its body, and the fact it should yield.</summary>
public sealed record Delivery(double At, string Body, string? ExpectedEventKey);

/// <summary>
/// Realistic Aloware traffic: a completed call posts six deliveries (initiation, disposition, recording,
/// Call-Disposed about 7 s later, two transcriptions), an SMS posts one. Each communication yields one fact.
/// </summary>
public static class Corpus
{
    private static readonly long[] Agents = [101, 102, 103, 104];

    public static List<Delivery> Build(double factsPerSecond, int seconds, double callShare, long firstId, int seed = 42)
    {
        var random = new Random(seed);
        var deliveries = new List<Delivery>();
        var facts = (int)(factsPerSecond * seconds);
        for (var i = 0; i < facts; i++)
        {
            var at = i / factsPerSecond;
            var id = firstId + i;
            var agent = Agents[random.Next(Agents.Length)];
            var created = new DateTime(2026, 11, 26, 14, 0, 0, DateTimeKind.Utc).AddSeconds(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            if (random.NextDouble() < callShare)
            {
                var call = $"\"id\":{id},\"type\":1,\"direction\":2,\"user_id\":{agent},\"owner_id\":{agent},\"ring_group_id\":8465,\"campaign_id\":3101,\"lead_number\":\"+15555550142\",\"contact\":{{\"id\":7001,\"first_name\":\"Pat\",\"phone_number\":\"+15555550142\"}},\"created_at\":\"{created}\"";
                deliveries.Add(new(at, $"{{\"event\":\"OutboundPhoneCall\",\"body\":{{{call},\"disposition_status2\":1,\"duration\":0}}}}", null));
                deliveries.Add(new(at + 0.05, $"{{\"event\":\"OutboundPhoneCall-DispositionCompleted\",\"body\":{{{call},\"disposition_status\":\"completed\",\"disposition_status2\":4,\"duration\":187,\"talk_time\":162}}}}", $"aloware#CALLS#{id}"));
                deliveries.Add(new(at + 0.2, $"{{\"event\":\"Recording-Saved\",\"body\":{{{call},\"disposition_status2\":4,\"recording_url\":\"https://example.com/r/{id}.mp3\"}}}}", null));
                deliveries.Add(new(at + 7, $"{{\"event\":\"Call-Disposed\",\"body\":{{{call},\"disposition_status\":\"completed\",\"disposition_status2\":4,\"duration\":187,\"talk_time\":162}}}}", $"aloware#CALLS#{id}"));
                deliveries.Add(new(at + 8, $"{{\"event\":\"transcription.call.summarized\",\"body\":{{\"communication\":{{\"id\":{id}}},\"summary\":\"Renewal pricing discussed.\"}}}}", null));
                deliveries.Add(new(at + 8.5, $"{{\"event\":\"transcription.open_search.saved\",\"body\":{{\"communication\":{{\"id\":{id}}},\"transcript_id\":\"tr_{id}\"}}}}", null));
            }
            else
            {
                deliveries.Add(new(at, $"{{\"event\":\"InboundSMS-DispositionCompleted\",\"body\":{{\"id\":{id},\"type\":2,\"direction\":1,\"user_id\":{agent},\"owner_id\":{agent},\"campaign_id\":3101,\"lead_number\":\"+15555550177\",\"body\":\"Can you call me back?\",\"disposition_status\":\"completed\",\"disposition_status2\":4,\"created_at\":\"{created}\"}}}}", $"aloware#TEXTS#{id}"));
            }
        }

        return deliveries.OrderBy(d => d.At).ToList();
    }
}
