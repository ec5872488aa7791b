using Ingest.Core.Configuration;

namespace Ingest.Integrations.Aloware;

/// <summary>Aloware's webhook credential (its flat name is fixed by docs/contracts.md, "Webhook").</summary>
public sealed class AlowareWebhookOptions
{
    public const string Section = "Webhook";
    public const string TokenName = "ALOWARE_WEBHOOK_TOKEN";

    /// <summary>The static credential configured in Aloware's webhook form, as Bearer token or Basic password; several comma-separated while rotating.</summary>
    [FlatSetting(TokenName)]
    public string AlowareToken { get; set; } = string.Empty;

    public IReadOnlyList<string> Tokens => AlowareToken.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class AlowareWebhookRules : SettingsRules<AlowareWebhookOptions>
{
    protected override IEnumerable<string> Broken(AlowareWebhookOptions o)
    {
        if (o.Tokens.Count == 0)
        {
            yield return $"{AlowareWebhookOptions.TokenName} must be set: the credential Aloware's webhook form sends.";
        }
    }
}
