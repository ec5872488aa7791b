using Ingest.Core.Adapters;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Aloware;

public static class AlowareRegistration
{
    /// <summary>
    /// Aloware, the whole source: its webhook (credential and adapter, counting EMAILS unless HubSpot does), its
    /// recovery (the backfill from its CSV export), and its REST API for the DimAgent sync, a typed client with the
    /// standard resilience handler.
    /// </summary>
    public static IServiceCollection AddAloware(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AlowareWebhookOptions, AlowareWebhookRules>(configuration, AlowareWebhookOptions.Section);
        services.AddSingleton(new AlowareAdapter(countEmails: !MetricsOptions.HubSpotCountsEmails(configuration)));
        services.AddSingleton<IWebhookSource, AlowareSource>();
        services.AddSettings<AlowareOptions, AlowareRules>(configuration, AlowareOptions.Section);
        services.AddSettings<AlowareExportOptions, AlowareExportRules>(configuration, AlowareExportOptions.Section);
        services.AddSingleton<AlowareBackfill>();
        services.AddHttpClient<AlowareUsersClient>((sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<AlowareOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
        })
            .RemoveAllLoggers() // the token is in the query string
            .AddStandardResilienceHandler();
        services.AddSingleton<IAgentDirectory, AlowareAgentDirectory>();
        return services;
    }
}
