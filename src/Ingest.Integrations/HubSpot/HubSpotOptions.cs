using Ingest.Core.Configuration;

namespace Ingest.Integrations.HubSpot;

/// <summary>HubSpot's webhooks and CRM API (section <c>HubSpot</c>; the flat names are fixed by docs/contracts.md, "Settings fixed by contract").</summary>
public sealed class HubSpotOptions
{
    public const string Section = "HubSpot";

    /// <summary>The app's client secret, which signs every delivery. Empty: HubSpot is not configured and its route answers 404.</summary>
    [FlatSetting("HUBSPOT_CLIENT_SECRET")]
    public string? ClientSecret { get; set; }

    /// <summary>The public URL HubSpot calls, exactly as in the app's webhook settings: signatures are over it, not the URL a proxy forwards.</summary>
    [FlatSetting("HUBSPOT_WEBHOOK_URL")]
    public string? WebhookUrl { get; set; }

    /// <summary>The private app's access token for CRM reads (sent as Bearer; never logged).</summary>
    [FlatSetting("HUBSPOT_ACCESS_TOKEN")]
    public string? AccessToken { get; set; }

    [FlatSetting("HUBSPOT_API_BASE_URL")]
    public string ApiBaseUrl { get; set; } = "https://api.hubapi.com";

    /// <summary>Also accept signature v1 and v2 (workflow webhook actions send v2); v3 only by default.</summary>
    public bool AllowLegacySignatures { get; set; }

    /// <summary>CRM requests per 10 seconds, under the private app's 100 (Free/Starter) with room for others.</summary>
    public int MaxRequestsPer10Seconds { get; set; } = 80;

    /// <summary>How long the owners list and the ticket pipelines are kept before they are read again.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>NCRONTAB schedule of the daily reconciliation of the previous business day (the timer reads <c>%HubSpot:ReconcileSchedule%</c>).</summary>
    public string ReconcileSchedule { get; set; } = "0 30 5 * * *";

    /// <summary>CRM search requests per second: HubSpot allows about 4 per token, besides the 10-second budget.</summary>
    public int SearchRequestsPerSecond { get; set; } = 4;

    public bool Configured => !string.IsNullOrWhiteSpace(ClientSecret);
}

internal sealed class HubSpotRules : SettingsRules<HubSpotOptions>
{
    protected override IEnumerable<string> Broken(HubSpotOptions o)
    {
        if (o.Configured && !Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out _))
        {
            yield return "HUBSPOT_WEBHOOK_URL must be the public URL HubSpot calls (https://<app>/api/webhook/hubspot) when HUBSPOT_CLIENT_SECRET is set.";
        }

        if (o.Configured && string.IsNullOrWhiteSpace(o.AccessToken))
        {
            yield return "HUBSPOT_ACCESS_TOKEN must be the private app's token when HUBSPOT_CLIENT_SECRET is set.";
        }

        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _))
        {
            yield return "HUBSPOT_API_BASE_URL must be an absolute URL.";
        }

        if (o.MaxRequestsPer10Seconds is < 1 or > 190)
        {
            yield return "HubSpot__MaxRequestsPer10Seconds must be between 1 and 190.";
        }

        if (o.CacheDuration <= TimeSpan.Zero)
        {
            yield return "HubSpot__CacheDuration must be positive.";
        }

        if (o.SearchRequestsPerSecond is < 1 or > 5)
        {
            yield return "HubSpot__SearchRequestsPerSecond must be between 1 and 5 (HubSpot's search allows about 4 per second).";
        }
    }
}
