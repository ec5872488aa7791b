using Ingest.Core.Admin;
using Ingest.Core.Capture;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Core.Configuration;

/// <summary>The core's settings, each class with its rules beside it.</summary>
internal static class CoreSettings
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<BusinessTimeOptions, BusinessTimeRules>(configuration, "BusinessTime");
        services.AddSettings<LedgerOptions, LedgerRules>(configuration, LedgerOptions.Section);
        services.AddSettings<AdminOptions, AdminRules>(configuration, AdminOptions.Section);
        services.AddSettings<CaptureOptions, CaptureRules>(configuration, CaptureOptions.Section);
        services.AddSingleton<AdminAuthenticator>();
    }
}
