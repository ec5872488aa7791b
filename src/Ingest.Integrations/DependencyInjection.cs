using Ingest.Core.Configuration;
using Ingest.Integrations.Aloware;
using Ingest.Integrations.Capture;
using Ingest.Integrations.DynamoDb;
using Ingest.Integrations.Eventhouse;
using Ingest.Integrations.HubSpot;
using Ingest.Integrations.PowerBi;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.Telemetry;

namespace Ingest.Integrations;

public static class DependencyInjection
{
    /// <summary>
    /// Every outside system the app talks to, each as its settings choose: DynamoDB state, the storage capture
    /// queue, Aloware's and HubSpot's APIs, and the sink `Sink__Kind` names: Power BI or the Eventhouse. What a setting leaves out, the core's embedded defaults serve.
    /// </summary>
    public static IServiceCollection AddIntegrations(this IServiceCollection services, IConfiguration configuration)
    {
        // Polly logs every attempt of every HTTP pipeline, up to Error for a handled 5xx: hundreds of lines in an
        // outage. Attempts go to Debug; retries, timeouts and the circuit's changes keep their level.
        services.Configure<TelemetryOptions>(telemetry => telemetry.SeverityProvider = args
            => args.Event.EventName == "ExecutionAttempt" ? ResilienceEventSeverity.Debug : args.Event.Severity);
        services.AddSettings<MetricsOptions, MetricsRules>(configuration, MetricsOptions.Section); // which source counts EMAILS
        services.AddSettings<SinkOptions, SinkRules>(configuration, SinkOptions.Section);
        services
            .AddDynamoDbState(configuration)
            .AddStorageCapture(configuration)
            .AddAloware(configuration)
            .AddHubSpot(configuration);
        return SettingsBinding.Read<SinkOptions>(configuration, SinkOptions.Section).IsEventhouse
            ? services.AddEventhouse(configuration)
            : services.AddPowerBi(configuration);
    }
}
