using Ingest.Core.Configuration;

namespace Ingest.Functions.Configuration;

/// <summary>How webhook deliveries are accepted (section <c>Webhook</c>; the token's flat name is fixed by DESIGN.md).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhook";
    public const string AlowareTokenName = "ALOWARE_WEBHOOK_TOKEN";

    /// <summary>The static credential configured in Aloware's webhook form, as Bearer token or Basic password.</summary>
    [FlatSetting(AlowareTokenName)]
    public string AlowareToken { get; set; } = string.Empty;

    /// <summary>Bodies above this are refused with 413. Aloware's deliveries are a few KB.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// A delivery still processing after this is answered <c>deferred</c> (its capture and claims carry it on), well
    /// inside Aloware's 110 s timeout; the work goes on behind the answer.
    /// </summary>
    public TimeSpan ProcessingDeadline { get; set; } = TimeSpan.FromSeconds(60);
}
