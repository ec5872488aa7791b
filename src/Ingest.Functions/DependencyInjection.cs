using Ingest.Core;
using Ingest.Core.Configuration;
using Ingest.Functions.Configuration;
using Ingest.Functions.Http;
using Ingest.Functions.Logging;
using Ingest.Functions.Telemetry;
using Ingest.Integrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace Ingest.Functions;

public static class DependencyInjection
{
    /// <summary>
    /// The Functions app: its logging and HTTP settings over the core and the integrations. The local host runs
    /// this same composition, adding only what is its own.
    /// </summary>
    public static IServiceCollection AddFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        // With Application Insights configured, the other providers (OpenTelemetry's, the Functions host's) get
        // every event too; without it Serilog's console is the only sink, so nothing prints twice.
        var exported = !string.IsNullOrWhiteSpace(configuration[TelemetrySetup.ConnectionStringName]);
        services.AddSerilog((sp, logger) => LoggingSetup.Configure(logger, configuration, sp.GetServices<Serilog.Core.ILogEventSink>()), writeToProviders: exported);
        services.AddSettings<LoggingOptions, LoggingRules>(configuration, LoggingOptions.Section);
        services.AddSettings<WebhookOptions, WebhookRules>(configuration, WebhookOptions.Section);

        services.AddCore(configuration);
        services.AddIntegrations(configuration);
        services.AddSingleton<WebhookRequestReader>();
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton<Admin.AdminHttp>();
        services.AddSingleton<Admin.AdminEndpoint>();
        services.AddHealthChecks();
        services.AddSingleton<Health.HealthReporter>();
        return services;
    }
}
