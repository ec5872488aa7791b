using Ingest.Core.Admin;
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

        AddAdmin(services, configuration);
        services.AddSettings<CaptureOptions>(configuration, CaptureOptions.Section)
            .Validate(o => o.RedriveDelay > TimeSpan.Zero && o.VisibilityTimeout > TimeSpan.Zero, "Capture__RedriveDelay and Capture__VisibilityTimeout must be positive.")
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
            .Validate(o => o.Tolerance > TimeSpan.Zero, "Admin__Tolerance must be positive.");
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
