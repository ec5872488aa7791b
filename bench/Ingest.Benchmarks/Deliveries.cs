using System.Text;

namespace Ingest.Benchmarks;

/// <summary>Realistic deliveries padded to a target size with the fields Aloware really sends (contact details, notes).</summary>
internal static class Deliveries
{
    public static byte[] Native(int size)
    {
        var head = "{\"event\":\"OutboundPhoneCall-DispositionCompleted\",\"body\":{\"id\":88001234,\"type\":1,\"direction\":2,\"user_id\":101,\"owner_id\":101,"
            + "\"ring_group_id\":8465,\"campaign_id\":3101,\"lead_number\":\"+15555550142\",\"contact_id\":7001,"
            + "\"contact\":{\"id\":7001,\"first_name\":\"Pat\",\"last_name\":\"Quinn\",\"phone_number\":\"+15555550142\",\"email\":\"pat@example.com\"},"
            + "\"current_status\":\"completed\",\"current_status2\":4,\"disposition_status\":\"completed\",\"disposition_status2\":4,"
            + "\"duration\":187,\"talk_time\":162,\"wait_time\":18,\"hold_time\":0,\"created_at\":\"2026-11-26 14:03:11\",\"updated_at\":\"2026-11-26 14:06:18\"";
        return Pad(head, "}}", size);
    }

    public static byte[] Zapier(int size)
    {
        var head = "{\"ID\":88001410,\"Event\":\"OutboundSMS-DispositionCompleted\",\"Type\":1,\"Direction\":2,\"User Id\":104,\"Owner Id\":104,"
            + "\"Ring Group Id\":8465,\"Campaign Id\":3101,\"Lead Number\":\"+15555550199\",\"Disposition Status\":\"completed\","
            + "\"Duration\":64,\"Talk Time\":51,\"Created At\":\"2026-11-26 17:10:33\",\"Updated At\":\"2026-11-26 17:11:37\"";
        return Pad(head, "}", size);
    }

    /// <summary>Adds notes fields until the body reaches <paramref name="size"/> bytes.</summary>
    private static byte[] Pad(string head, string tail, int size)
    {
        var text = new StringBuilder(head);
        for (var i = 0; text.Length + tail.Length < size - 40; i++)
        {
            text.Append($",\"note_{i}\":\"{new string('n', Math.Min(60, size - text.Length - tail.Length - 20))}\"");
        }

        text.Append(tail);
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
