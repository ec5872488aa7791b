using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Creates the state table with TTL at start-up when configuration asks for it (local and tests; never production).</summary>
public sealed class StateTableProvisioner(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, ILogger<StateTableProvisioner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CreateTable)
        {
            await EnsureTableAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.TableName;
        try
        {
            await dynamo.DescribeTableAsync(name, cancellationToken);
            return;
        }
        catch (ResourceNotFoundException)
        {
        }

        try
        {
            await dynamo.CreateTableAsync(new CreateTableRequest
            {
                TableName = name,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions =
                [
                    new AttributeDefinition(StateTable.PartitionKey, ScalarAttributeType.S),
                    new AttributeDefinition(StateTable.SortKey, ScalarAttributeType.S),
                ],
                KeySchema =
                [
                    new KeySchemaElement(StateTable.PartitionKey, KeyType.HASH),
                    new KeySchemaElement(StateTable.SortKey, KeyType.RANGE),
                ],
            }, cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // Another instance created it first.
        }

        for (var i = 0; i < 60 && (await dynamo.DescribeTableAsync(name, cancellationToken)).Table.TableStatus != TableStatus.ACTIVE; i++)
        {
            await Task.Delay(500, cancellationToken);
        }

        await dynamo.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
        {
            TableName = name,
            TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = StateTable.TimeToLive, Enabled = true },
        }, cancellationToken);
        logger.LogInformation("Created DynamoDB table {TableName} with TTL on {TtlAttribute}", name, StateTable.TimeToLive);
    }
}
