using Ingest.Core.Configuration;
using Ingest.Integrations.HubSpot;
using Microsoft.Extensions.Configuration;

namespace Ingest.Integrations;

/// <summary>Which source counts EMAILS (section <c>Metrics</c>), so one email is never counted twice.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary><c>aloware</c> or <c>hubspot</c>; empty means hubspot when HubSpot is configured, else aloware.</summary>
    public string? EmailsSource { get; set; }

    public bool HubSpotCountsEmails(HubSpotOptions hubSpot)
        => string.IsNullOrWhiteSpace(EmailsSource) ? hubSpot.Configured : string.Equals(EmailsSource, "hubspot", StringComparison.OrdinalIgnoreCase);

    /// <summary>Read at registration, where each source's adapter is built counting EMAILS or not.</summary>
    public static bool HubSpotCountsEmails(IConfiguration configuration)
        => SettingsBinding.Read<MetricsOptions>(configuration, Section).HubSpotCountsEmails(SettingsBinding.Read<HubSpotOptions>(configuration, HubSpotOptions.Section));
}

internal sealed class MetricsRules : SettingsRules<MetricsOptions>
{
    protected override IEnumerable<string> Broken(MetricsOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.EmailsSource) && o.EmailsSource is not ("aloware" or "hubspot"))
        {
            yield return "Metrics__EmailsSource must be aloware or hubspot (empty: hubspot when HubSpot is configured).";
        }
    }
}
