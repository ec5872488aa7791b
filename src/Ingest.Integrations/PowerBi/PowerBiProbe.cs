namespace Ingest.Integrations.PowerBi;

/// <summary>Power BI answers a list of the workspace's datasets (a GET: no push limit spent).</summary>
public sealed class PowerBiProbe(PowerBiRestClient client) : DependencyProbe
{
    public const string Name = "powerBi";

    protected override Task ProbeAsync(CancellationToken cancellationToken) => client.ListDatasetsAsync(cancellationToken);
}
