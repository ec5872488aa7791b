using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Ingest.Integrations.DynamoDb;
using Ingest.Testing;
using Microsoft.Extensions.Options;
using Moq;

namespace Ingest.Integrations.Tests.DynamoDb;

/// <summary>Faults reach the pipeline as transient errors, so it defers the delivery instead of failing it.</summary>
[Trait("Category", "Slow")]
public class DynamoFaultTests
{
    private static readonly IOptions<LedgerOptions> Ledger = Options.Create(new LedgerOptions());

    [Fact]
    public async Task AnUnreachableEndpointIsATransientStoreError()
    {
        var options = new DynamoDbOptions
        {
            Enabled = true, Region = "us-east-1", ServiceUrl = $"http://127.0.0.1:{ExternalTool.FreeLoopbackPort()}",
            TableName = "absent", RequestTimeout = TimeSpan.FromSeconds(2), MaxErrorRetry = 0,
        };
        using var client = DynamoClientFactory.Create(options);
        var ledger = new DynamoLedger(client, Options.Create(options), Ledger, TimeProvider.System);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.ClaimAsync("k", "f", CancellationToken.None));

        Assert.Contains("ledger claim", error.Message);
    }

    [Theory]
    [InlineData("throughput")]
    [InlineData("limit")]
    [InlineData("throttling")]
    [InlineData("server")]
    public async Task ThrottlingAndServerFaultsAreTransientStoreErrors(string fault)
    {
        Exception thrown = fault switch
        {
            "throughput" => new ProvisionedThroughputExceededException("slow down"),
            "limit" => new RequestLimitExceededException("slow down"),
            "throttling" => new AmazonDynamoDBException("Rate exceeded") { ErrorCode = "ThrottlingException" },
            _ => new InternalServerErrorException("boom"),
        };
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(thrown);
        var ledger = new DynamoLedger(dynamo.Object, Options.Create(new DynamoDbOptions()), Ledger, TimeProvider.System);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => ledger.ClaimAsync("k", "f", CancellationToken.None));

        Assert.Same(thrown, error.InnerException);
    }

    [Fact]
    public async Task AValidationErrorIsNotDisguisedAsTransient()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(new AmazonDynamoDBException("One or more parameter values were invalid") { ErrorCode = "ValidationException", StatusCode = System.Net.HttpStatusCode.BadRequest });
        var ledger = new DynamoLedger(dynamo.Object, Options.Create(new DynamoDbOptions()), Ledger, TimeProvider.System);

        await Assert.ThrowsAsync<AmazonDynamoDBException>(() => ledger.ClaimAsync("k", "f", CancellationToken.None));
    }
}
