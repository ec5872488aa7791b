using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Ingest.Core.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace Ingest.Functions.Telemetry;

/// <summary>
/// OpenTelemetry for the worker when Application Insights is configured: the Functions worker's traces, the
/// product's metrics (<see cref="IngestMetrics"/>) and the logs, exported to Azure Monitor with the app's
/// managed identity (the Bicep turns local authentication off). Without a connection string nothing is exported.
/// </summary>
public static class TelemetrySetup
{
    public const string ConnectionStringName = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <param name="credential">How the exporter authenticates; the app's managed identity unless a test says otherwise.</param>
    public static bool AddAzureMonitor(this IServiceCollection services, IConfiguration configuration, TokenCredential? credential = null)
    {
        var connectionString = configuration[ConnectionStringName];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(IngestMetrics.MeterName))
            .UseAzureMonitorExporter(exporter =>
            {
                exporter.ConnectionString = connectionString;
                exporter.Credential = credential ?? Integrations.AppIdentity.Credential;
            });
        return true;
    }
}
