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
    /// Everything the function classes need, shared by the Functions app and the local host so that both
    /// run the same composition. <paramref name="powerBiHandler"/> serves Power BI from an emulator in process;
    /// <paramref name="captureBackend"/> is the capture queue used unless <c>Capture__Backend</c> says otherwise.
    /// </summary>
    public static IServiceCollection AddIngestApp(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IServiceProvider, HttpMessageHandler>? powerBiHandler = null,
        string captureBackend = "StorageQueue")
    {
        // With Application Insights configured, the other providers (OpenTelemetry's, the Functions host's) get
        // every event too; without it Serilog's console is the only sink, so nothing prints twice.
        var exported = !string.IsNullOrWhiteSpace(configuration[TelemetrySetup.ConnectionStringName]);
        services.AddSerilog((sp, logger) => LoggingSetup.Configure(logger, configuration, sp.GetServices<Serilog.Core.ILogEventSink>()), writeToProviders: exported);
        services.AddSettings<LoggingOptions>(configuration, LoggingOptions.Section)
            .Validate(o => Enum.TryParse<Serilog.Events.LogEventLevel>(o.Level, ignoreCase: true, out _), "Logging__Level must be Verbose, Debug, Information, Warning, Error or Fatal.")
            .Validate(o => o.Format is "text" or "json", "Logging__Format must be text or json.");
        services.AddSettings<WebhookOptions>(configuration, WebhookOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.AlowareToken), $"{WebhookOptions.AlowareTokenName} must be set: the credential Aloware's webhook form sends.")
            .Validate(o => o.MaxBodyBytes is >= 1024 and <= 16 * 1024 * 1024, "Webhook__MaxBodyBytes must be between 1024 and 16777216.")
            .Validate(o => o.ProcessingDeadline > TimeSpan.Zero && o.ProcessingDeadline <= TimeSpan.FromSeconds(100), "Webhook__ProcessingDeadline must be positive and at most 00:01:40, inside Aloware's 110 s timeout.");

        services.AddDynamoDbState(configuration);
        services.AddStorageCapture(configuration, captureBackend);
        services.AddAloware(configuration);
        services.AddHubSpot(configuration);
        services.AddIngestCore(configuration);
        services.AddPowerBi(configuration, powerBiHandler);
        services.AddSingleton<WebhookAuthenticator>();
        services.AddSingleton<WebhookRequestReader>();
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton<Admin.AdminHttp>();
        services.AddSingleton<Admin.AdminEndpoint>();
        services.AddSingleton<Health.HealthReporter>();
        return services;
    }
}
