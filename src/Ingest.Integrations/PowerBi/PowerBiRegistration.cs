using Azure.Core;
using Azure.Identity;
using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Ingest.Core.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

public static class PowerBiRegistration
{
    /// <summary>
    /// Power BI over REST: the dataset, the dimension tables, and the coalescing FactEvent writer.
    /// Two named clients share one transport; the FactEvent one adds the
    /// writer's resilience and the push limits (<see cref="PowerBiResilience"/>).
    /// </summary>
    public static IServiceCollection AddPowerBi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIngestMetrics();
        services.TryAddSingleton<PowerBiMetrics>();
        services.AddSettings<PowerBiOptions, PowerBiRules>(configuration, PowerBiOptions.Section);
        var options = SettingsBinding.Read<PowerBiOptions>(configuration, PowerBiOptions.Section);
        var authenticate = options.Authentication != "None";
        if (authenticate)
        {
            services.AddSingleton(sp => CreateCredential(sp.GetRequiredService<IOptions<PowerBiOptions>>().Value));
        }

        services.AddSingleton<PendingPostGate>();
        services.AddSingleton<PowerBiCircuit>();
        AddTransport(services.AddHttpClient(PowerBiRestClient.HttpClientName, (sp, http) =>
        {
            http.BaseAddress = BaseAddress(sp);
            // A dimension POST may wait minutes for its turn (120 POSTs an hour once a table is large); the wire is
            // bounded beneath that wait, by the pending-POST gate and RequestTimeoutHandler.
            http.Timeout = Timeout.InfiniteTimeSpan;
        }), authenticate);

        // FactEvent POSTs: breaker and retry outside, the push limits inside, so every attempt waits its turn.
        var facts = services.AddHttpClient(PowerBiRestClient.FactEventClientName, (sp, http) =>
        {
            http.BaseAddress = BaseAddress(sp);
            // Covers every attempt: none starts after the rows' SendBy, and the last may still take a whole call.
            http.Timeout = PowerBiRestClient.FactRowsMaxWait(sp.GetService<IOptions<LedgerOptions>>()) + PowerBiRestClient.CallTimeout;
        });
        facts.AddResilienceHandler(PowerBiResilience.PipelineName, (pipeline, context) => PowerBiResilience.Configure(pipeline, context.ServiceProvider));
        AddTransport(facts, authenticate);

        services.AddSingleton<PowerBiRestClient>();
        services.AddSingleton<DatasetBootstrap>();
        services.AddSingleton<PushLimiter>();
        // One process's budget unless DynamoDB shares one between instances (registered before this).
        services.TryAddSingleton<IPushBudget, InMemoryPushBudget>();
        services.AddSingleton<PowerBiTables>();
        services.AddSingleton<ISinkTables>(sp => sp.GetRequiredService<PowerBiTables>());
        services.AddSingleton<CoalescingFactWriter>();
        services.AddSingleton<ISinkAvailability>(sp => sp.GetRequiredService<PowerBiCircuit>());
        services.AddSingleton<IFactSink>(sp => sp.GetRequiredService<CoalescingFactWriter>());
        services.AddSingleton<IWriterStats>(sp => sp.GetRequiredService<CoalescingFactWriter>());

        services.AddDependencyCheck<PowerBiProbe>(PowerBiProbe.Name, optional: true);
        return services;
    }

    /// <summary>
    /// Serves both Power BI clients from <paramref name="handler"/> (the local host's in-process emulator) instead of
    /// the network, so the same client code runs there as in production; <c>PowerBi__Authentication=None</c> is then allowed.
    /// </summary>
    public static IServiceCollection ServePowerBiFrom(this IServiceCollection services, Func<IServiceProvider, HttpMessageHandler> handler)
    {
        services.AddSingleton(new PowerBiServedInProcess());
        services.AddHttpClient(PowerBiRestClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(handler);
        services.AddHttpClient(PowerBiRestClient.FactEventClientName).ConfigurePrimaryHttpMessageHandler(handler);
        return services;
    }

    private static Uri BaseAddress(IServiceProvider services)
        => new(services.GetRequiredService<IOptions<PowerBiOptions>>().Value.BaseUrl.TrimEnd('/') + "/");

    /// <summary>What every Power BI request passes through, innermost last: the push limits, the token, a pending-POST slot, the answer's timeout.</summary>
    private static void AddTransport(IHttpClientBuilder client, bool authenticate)
    {
        client.AddHttpMessageHandler(sp => new PushLimitHandler(sp.GetRequiredService<PushLimiter>(), sp.GetRequiredService<TimeProvider>()));
        if (authenticate)
        {
            client.AddHttpMessageHandler(sp => new PowerBiAuthHandler(sp.GetRequiredService<TokenCredential>(), sp.GetRequiredService<TimeProvider>()));
        }

        client.AddHttpMessageHandler(sp => new PendingPostHandler(sp.GetRequiredService<PendingPostGate>()));
        client.AddHttpMessageHandler(() => new RequestTimeoutHandler(PowerBiRestClient.RequestTimeout));
    }

    /// <summary>
    /// A service principal when tenant, client and secret are set; a managed identity named by <c>PowerBi__ClientId</c>
    /// when only the id is; otherwise the app's own identity.
    /// </summary>
    private static TokenCredential CreateCredential(PowerBiOptions options)
        => !string.IsNullOrEmpty(options.ClientSecret) ? new ClientSecretCredential(options.TenantId, options.ClientId, options.ClientSecret)
            : !string.IsNullOrEmpty(options.ClientId) ? new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ClientId })
            : AppIdentity.Credential;
}

/// <summary>Registered when the local host serves Power BI from its in-process emulator.</summary>
public sealed record PowerBiServedInProcess;
