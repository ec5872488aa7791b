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
}
