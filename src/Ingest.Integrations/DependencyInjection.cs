using Ingest.Integrations.Aloware;
using Ingest.Integrations.Capture;
using Ingest.Integrations.DynamoDb;
using Ingest.Integrations.HubSpot;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations;

public static class DependencyInjection
{
    /// <summary>
    /// Every outside system the app talks to, each as its settings choose: DynamoDB state, the storage capture
    /// queue, Aloware's and HubSpot's APIs, and Power BI. What a setting leaves out, the core's embedded defaults serve.
    /// </summary>
    public static IServiceCollection AddIntegrations(this IServiceCollection services, IConfiguration configuration)
        => services
            .AddDynamoDbState(configuration)
            .AddStorageCapture(configuration)
            .AddAloware(configuration)
            .AddHubSpot(configuration)
            .AddPowerBi(configuration);
}
