using Ingest.Core.Configuration;
using Ingest.Core.Telemetry;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Eventhouse;

public static class EventhouseRegistration
{
    /// <summary>
    /// The Eventhouse as the sink (<c>Sink__Kind=Eventhouse</c>): its typed client (the app's own identity for the
    /// token, the client's timeout), the coalescing FactEvent writer and its circuit, the dimension tables, the health
    /// probe, and the bootstrap at start when <c>Eventhouse__Bootstrap=true</c>.
    /// </summary>
    public static IServiceCollection AddEventhouse(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIngestMetrics();
        services.TryAddSingleton<EventhouseMetrics>();
        services.AddSettings<EventhouseOptions, EventhouseRules>(configuration, EventhouseOptions.Section);
        var client = services.AddHttpClient(EventhouseClient.HttpClientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<EventhouseOptions>>().Value;
            http.BaseAddress = new Uri((string.IsNullOrEmpty(options.QueryUri) ? "http://eventhouse.invalid" : options.QueryUri).TrimEnd('/') + "/");
            http.Timeout = EventhouseClient.RequestTimeout;
        });
        if (SettingsBinding.Read<EventhouseOptions>(configuration, EventhouseOptions.Section).Authentication != "None")
        {
            client.AddHttpMessageHandler(sp => new BearerTokenHandler(
                AppIdentity.Credential, sp.GetRequiredService<IOptions<EventhouseOptions>>().Value.Scope, "the Eventhouse", sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton<EventhouseClient>();
        services.AddSingleton<EventhouseBootstrap>();
        services.AddSinkSeams<EventhouseFactWriter, EventhouseTables, EventhouseCircuit>();
        services.AddHostedService<EventhouseBootstrapAtStart>();
        services.AddDependencyCheck<EventhouseProbe>(EventhouseProbe.Name, optional: true);
        return services;
    }

    /// <summary>
    /// Serves the Eventhouse client from <paramref name="handler"/> (the local host's in-process emulator) instead of
    /// the network; <c>Eventhouse__Authentication=None</c> and an empty query URI are then allowed.
    /// </summary>
    public static IServiceCollection ServeEventhouseFrom(this IServiceCollection services, Func<IServiceProvider, HttpMessageHandler> handler)
    {
        services.AddSingleton(new EventhouseServedInProcess());
        services.AddHttpClient(EventhouseClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(handler);
        return services;
    }
}
