using Amazon.DynamoDBv2;
using Ingest.Core.Telemetry;
using Ingest.Integrations.Capture;
using Ingest.Integrations.DynamoDb;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations;

/// <summary>DynamoDB answers for the state table (DescribeTable: no read capacity spent).</summary>
public sealed class DynamoProbe(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IDependencyProbe
{
    public string Name => "dynamodb";

    public bool Optional => true;

    public Task ProbeAsync(CancellationToken cancellationToken) => dynamo.DescribeTableAsync(options.Value.TableName, cancellationToken);
}

/// <summary>The capture queue answers; without it nothing can be accepted.</summary>
public sealed class CaptureQueueProbe(StorageQueueCaptureQueue queue) : IDependencyProbe
{
    public string Name => "captureQueue";

    public bool Optional => false;

    public Task ProbeAsync(CancellationToken cancellationToken) => queue.ProbeAsync(cancellationToken);
}

/// <summary>Power BI answers a list of the workspace's datasets (a GET: no push limit spent).</summary>
public sealed class PowerBiProbe(PowerBiRestClient client) : IDependencyProbe
{
    public string Name => "powerBi";

    public bool Optional => true;

    public Task ProbeAsync(CancellationToken cancellationToken) => client.ListDatasetsAsync(cancellationToken);
}
