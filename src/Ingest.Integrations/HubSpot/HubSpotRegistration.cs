using Ingest.Core.Adapters;
using Ingest.Core.Admin;
using Ingest.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.HubSpot;

public static class HubSpotRegistration
{
    /// <summary>
    /// HubSpot, the whole source, when it is configured: its webhook (signature and adapter), its CRM API and the
    /// enricher that settles HubSpot candidates, and its reconciliation
    /// (<c>HUBSPOT_CLIENT_SECRET</c>): a typed client with the private-app token, the standard resilience
    /// handler (retries 429 after Retry-After, and 5xx) and, per attempt, this instance's request budget.
    /// </summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<HubSpotOptions, HubSpotRules>(configuration, HubSpotOptions.Section);
        if (!SettingsBinding.Read<HubSpotOptions>(configuration, HubSpotOptions.Section).Configured)
        {
            services.AddSingleton<IHubSpotReconciler, UnconfiguredHubSpotReconciler>();
            return services;
        }

        services.AddSingleton(new HubSpotAdapter(countEmails: MetricsOptions.HubSpotCountsEmails(configuration)));
        services.AddSingleton<HubSpotSignature>();
        services.AddSingleton<IWebhookSource, HubSpotSource>();
        services.AddSingleton(sp => new HubSpotRequestBudget(sp.GetRequiredService<IOptions<HubSpotOptions>>().Value.MaxRequestsPer10Seconds, sp.GetRequiredService<TimeProvider>()));
        var client = services.AddHttpClient<HubSpotClient>((sp, http) =>
        {
            var hubSpot = sp.GetRequiredService<IOptions<HubSpotOptions>>().Value;
            http.BaseAddress = new Uri(hubSpot.ApiBaseUrl.TrimEnd('/') + "/");
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", hubSpot.AccessToken);
        });
        client.RemoveAllLoggers(); // per-request logs are noise beside the one summary line per delivery
        client.AddStandardResilienceHandler();
        client.AddHttpMessageHandler(sp => new HubSpotRateLimitHandler(sp.GetRequiredService<HubSpotRequestBudget>())); // inner: every attempt pays
        services.AddSingleton<HubSpotEnricher>();
        services.AddSingleton<IOwnerDirectory, HubSpotOwnerDirectory>();
        services.AddSingleton<HubSpotSearch>();
        services.AddSingleton<IHubSpotReconciler, HubSpotReconciler>();
        return services;
    }
}
