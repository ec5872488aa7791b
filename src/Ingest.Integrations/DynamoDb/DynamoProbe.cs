using Amazon.DynamoDBv2;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.DynamoDb;

/// <summary>DynamoDB answers for the state table (DescribeTable: no read capacity spent).</summary>
public sealed class DynamoProbe(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : DependencyProbe
{
    public const string Name = "dynamodb";

    protected override Task ProbeAsync(CancellationToken cancellationToken) => dynamo.DescribeTableAsync(options.Value.TableName, cancellationToken);
}
