using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Creates the state table with TTL at start-up when configuration asks for it (local and tests; never production).</summary>
public sealed class StateTableProvisioner(IAmazonDynamoDB dynamo, IOptions<DynamoDbOptions> options, ILogger<StateTableProvisioner> logger)
    : ProvisionerAtStart(logger)
{
    protected override string What => $"DynamoDB table {options.Value.TableName}";

    protected override bool Enabled => options.Value.CreateTable;

    protected override Task ProvisionAsync(CancellationToken cancellationToken) => EnsureTableAsync(cancellationToken);

    protected override bool IsUnreachable(Exception e) => e is HttpRequestException or IOException or TimeoutException or TaskCanceledException
        or System.Net.Sockets.SocketException or InternalServerErrorException or Amazon.Runtime.AmazonClientException
        || e is Amazon.Runtime.AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError };

    /// <summary>
    /// Creates the table and enables TTL unless they are there. Several instances may run this at the same moment
    /// (or one may have died half-way), so every step accepts finding its work already done.
    /// </summary>
    public async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.TableName;
        if (!await ExistsAsync(name, cancellationToken))
        {
            await CreateAsync(name, cancellationToken);
        }

        for (var i = 0; i < 60 && (await dynamo.DescribeTableAsync(name, cancellationToken)).Table.TableStatus != TableStatus.ACTIVE; i++)
        {
            await Task.Delay(500, cancellationToken);
        }

        await EnableTimeToLiveAsync(name, cancellationToken);
    }

    private async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.DescribeTableAsync(name, cancellationToken);
            return true;
        }
        catch (ResourceNotFoundException)
        {
            return false;
        }
    }

    private async Task CreateAsync(string name, CancellationToken cancellationToken)
    {
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
            logger.LogInformation("Created DynamoDB table {TableName}", name);
        }
        catch (ResourceInUseException)
        {
            // Another instance created it first.
        }
    }

    private async Task EnableTimeToLiveAsync(string name, CancellationToken cancellationToken)
    {
        var current = (await dynamo.DescribeTimeToLiveAsync(name, cancellationToken)).TimeToLiveDescription;
        if (current.TimeToLiveStatus == TimeToLiveStatus.ENABLED || current.TimeToLiveStatus == TimeToLiveStatus.ENABLING)
        {
            return;
        }

        try
        {
            await dynamo.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = name,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = StateTable.TimeToLive, Enabled = true },
            }, cancellationToken);
            logger.LogInformation("Enabled TTL on {TtlAttribute} of DynamoDB table {TableName}", StateTable.TimeToLive, name);
        }
        catch (AmazonDynamoDBException e) when (e.Message.Contains("already enabled", StringComparison.OrdinalIgnoreCase))
        {
            // Another instance enabled it between our read and our update.
        }
    }
}
