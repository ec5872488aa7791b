using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ingest.Integrations.PowerBi;

/// <summary>Power BI answers a list of the workspace's datasets (a GET: no push limit spent).</summary>
public sealed class PowerBiProbe(PowerBiRestClient client) : IHealthCheck
{
    public const string Name = "powerBi";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        await client.ListDatasetsAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
