using Amazon.DynamoDBv2;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.DynamoDb;

/// <summary>DynamoDB answers for the state table (DescribeTable: no read capacity spent).</summary>
public sealed class DynamoProbe(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options) : IHealthCheck
{
    public const string Name = "dynamodb";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        await dynamo.DescribeTableAsync(options.Value.TableName, cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
