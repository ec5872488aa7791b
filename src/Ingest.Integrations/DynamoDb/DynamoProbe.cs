using Amazon.DynamoDBv2;
using Ingest.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.DynamoDb;

/// <summary>DynamoDB answers for the state table (DescribeTable: no read capacity spent).</summary>
public sealed class DynamoProbe(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IDependencyProbe
{
    public string Name => "dynamodb";

    public bool Optional => true;

    public Task ProbeAsync(CancellationToken cancellationToken) => dynamo.DescribeTableAsync(options.Value.TableName, cancellationToken);
}
