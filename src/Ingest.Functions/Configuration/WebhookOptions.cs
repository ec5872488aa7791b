using Ingest.Core.Configuration;

namespace Ingest.Functions.Configuration;

/// <summary>How webhook deliveries are read and answered, whatever their source (section <c>Webhook</c>; each source's credential is its own).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhook";

    /// <summary>Bodies above this are refused with 413. Aloware's deliveries are a few KB.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// A delivery still processing after this is answered <c>deferred</c> (its capture and claims carry it on), well
    /// inside Aloware's 110 s timeout; the work goes on behind the answer.
    /// </summary>
    public TimeSpan ProcessingDeadline { get; set; } = TimeSpan.FromSeconds(60);
}

internal sealed class WebhookRules : SettingsRules<WebhookOptions>
{
    protected override IEnumerable<string> Broken(WebhookOptions o)
    {
        if (o.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            yield return "Webhook__MaxBodyBytes must be between 1024 and 16777216.";
        }

        if (o.ProcessingDeadline <= TimeSpan.Zero || o.ProcessingDeadline > TimeSpan.FromSeconds(100))
        {
            yield return "Webhook__ProcessingDeadline must be positive and at most 00:01:40, inside Aloware's 110 s timeout.";
        }
    }
}
