using Ingest.Core.Admin;
using Ingest.Core.Adapters.HubSpot;
using Ingest.Core.Backfill;
using Ingest.Core.Capture;
using Ingest.Core.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Core.Configuration;

internal static class CoreSettings
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<BusinessTimeOptions>(configuration, "BusinessTime")
            .Validate(o => TryFindZone(o.TimeZone), $"{BusinessTimeOptions.FlatName} must be an IANA time zone id known to this machine, such as America/New_York.");

        services.AddSettings<LedgerOptions>(configuration, LedgerOptions.Section)
            .Validate(o => o.LeaseDuration > TimeSpan.Zero, "Ledger__LeaseDuration must be positive (e.g. 00:10:00).")
            .Validate(o => o.Retention >= TimeSpan.FromDays(1), "Ledger__Retention must be at least one day (e.g. 35.00:00:00).");

        services.AddSettings<AlowareExportOptions>(configuration, AlowareExportOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.ExportTimeZone) || TryFindZone(o.ExportTimeZone), "Aloware__ExportTimeZone must be an IANA time zone id known to this machine, such as America/New_York.");

        AddAdmin(services, configuration);
        services.AddSettings<HubSpotOptions>(configuration, HubSpotOptions.Section)
            .Validate(o => !o.Configured || Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out _), "HUBSPOT_WEBHOOK_URL must be the public URL HubSpot calls (https://<app>/api/webhook/hubspot) when HUBSPOT_CLIENT_SECRET is set.")
            .Validate(o => !o.Configured || !string.IsNullOrWhiteSpace(o.AccessToken), "HUBSPOT_ACCESS_TOKEN must be the private app's token when HUBSPOT_CLIENT_SECRET is set.")
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _), "HUBSPOT_API_BASE_URL must be an absolute URL.")
            .Validate(o => o.MaxRequestsPer10Seconds is >= 1 and <= 190, "HubSpot__MaxRequestsPer10Seconds must be between 1 and 190.")
            .Validate(o => o.CacheDuration > TimeSpan.Zero, "HubSpot__CacheDuration must be positive.")
            .Validate(o => o.SearchRequestsPerSecond is >= 1 and <= 5, "HubSpot__SearchRequestsPerSecond must be between 1 and 5 (HubSpot's search allows about 4 per second).");
        services.AddSettings<MetricsOptions>(configuration, MetricsOptions.Section)
            .Validate(o => string.IsNullOrWhiteSpace(o.EmailsSource) || o.EmailsSource is "aloware" or "hubspot", "Metrics__EmailsSource must be aloware or hubspot (empty: hubspot when HubSpot is configured).");
        services.AddSettings<CaptureOptions>(configuration, CaptureOptions.Section)
            .Validate(o => o.RedriveDelay > TimeSpan.Zero && o.VisibilityTimeout > TimeSpan.Zero, "Capture__RedriveDelay and Capture__VisibilityTimeout must be positive.")
            .Validate(o => o.Deadline > TimeSpan.Zero && o.Deadline <= TimeSpan.FromSeconds(90), "Capture__Deadline must be positive and at most 00:01:30, inside Aloware's 110 s timeout.")
            .Validate(o => o.MaxDequeueCount >= 1, "Capture__MaxDequeueCount must be at least 1.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Capture__PollInterval must be positive.")
            .Validate(o => o.RedriveConcurrency is >= 1 and <= 64, "Capture__RedriveConcurrency must be between 1 and 64.");
    }

    public static void AddAdmin(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AdminOptions>(configuration, AdminOptions.Section)
            .Validate(o => o.Secrets.Count > 0 && o.Secrets.All(s => s.Length >= 16), $"{AdminOptions.HmacSecretName} must hold at least one secret of 16 characters or more (several comma-separated while rotating).")
            .Validate(o => IpNetwork.TryParseList(o.IpAllowlist, out _), $"{AdminOptions.IpAllowlistName} must be comma-separated CIDRs such as 10.0.0.0/8.")
            .Validate(o => IpNetwork.TryParseList(o.TrustedProxies, out _), "Admin__TrustedProxies must be comma-separated CIDRs.")
            .Validate(o => o.Tolerance > TimeSpan.Zero, "Admin__Tolerance must be positive.")
            .Validate(o => o.MaxBackfillBytes is >= 1024 and <= int.MaxValue, "Admin__MaxBackfillBytes must be between 1024 and 2147483647 bytes.");
        services.AddSingleton<AdminAuthenticator>();
    }

    private static bool TryFindZone(string id)
    {
        try
        {
            _ = BusinessCalendar.ForZoneId(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return false;
        }
    }
}
