using Azure.Core;
using Azure.Identity;
using Ingest.Core.Configuration;
using Ingest.Core.Telemetry;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

public static class PowerBiRegistration
{
    /// <summary>
    /// Power BI over REST: the dataset, the dimension tables, and the coalescing FactEvent writer. One named client
    /// holds the token and the timeout; every POST rows request's pacing and retries are <see cref="PushPolicy"/>'s.
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
        services.AddSingleton<PushPolicy>();
        var client = services.AddHttpClient(PowerBiRestClient.HttpClientName, (sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<PowerBiOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
            // Headers and body: PushPolicy's waits for a turn and a pending-POST slot all come before the send.
            http.Timeout = PowerBiRestClient.RequestTimeout;
        });
        if (authenticate)
        {
            client.AddHttpMessageHandler(sp => new PowerBiAuthHandler(sp.GetRequiredService<TokenCredential>(), sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton<PowerBiRestClient>();
        services.AddSingleton<DatasetBootstrap>();
        services.AddSingleton<PushLimiter>();
        // One process's budget unless DynamoDB shares one between instances (registered before this).
        services.TryAddSingleton<IPushBudget, InMemoryPushBudget>();
        services.AddSinkSeams<CoalescingFactWriter, PowerBiTables, PowerBiCircuit>();

        services.AddDependencyCheck<PowerBiProbe>(PowerBiProbe.Name, optional: true);
        return services;
    }

    /// <summary>
    /// Serves the Power BI client from <paramref name="handler"/> (the local host's in-process emulator) instead of
    /// the network, so the same client code runs there as in production; <c>PowerBi__Authentication=None</c> is then allowed.
    /// </summary>
    public static IServiceCollection ServePowerBiFrom(this IServiceCollection services, Func<IServiceProvider, HttpMessageHandler> handler)
    {
        services.AddSingleton(new PowerBiServedInProcess());
        services.AddHttpClient(PowerBiRestClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(handler);
        return services;
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
