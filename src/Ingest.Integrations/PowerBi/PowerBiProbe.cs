using Ingest.Core.Telemetry;

namespace Ingest.Integrations.PowerBi;

/// <summary>Power BI answers a list of the workspace's datasets (a GET: no push limit spent).</summary>
public sealed class PowerBiProbe(PowerBiRestClient client) : IDependencyProbe
{
    public string Name => "powerBi";

    public bool Optional => true;

    public Task ProbeAsync(CancellationToken cancellationToken) => client.ListDatasetsAsync(cancellationToken);
}
