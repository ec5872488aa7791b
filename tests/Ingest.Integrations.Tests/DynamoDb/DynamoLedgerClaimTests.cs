using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Ingest.Integrations.DynamoDb;
using Microsoft.Extensions.Options;
using Moq;

namespace Ingest.Integrations.Tests.DynamoDb;

/// <summary>A claim whose put landed but whose answer was lost is still ours, and is not left held by nobody.</summary>
[Trait("Category", "Slow")]
public sealed class DynamoLedgerClaimTests
{
    private static DynamoLedger Ledger(IAmazonDynamoDB dynamo)
        => new(dynamo, Options.Create(new DynamoDbOptions { Enabled = true, TableName = "t" }), Options.Create(new LedgerOptions()), TimeProvider.System);

    [Fact]
    public async Task ARetriedPutThatFindsItsOwnTokenHasAcquiredTheClaim()
    {
        // The SDK retried a put that had landed: the retry fails its condition against the item it wrote itself.
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .Returns((PutItemRequest put, CancellationToken _) =>
                throw new ConditionalCheckFailedException("The conditional request failed") { Item = put.Item });

        var claim = await Ledger(dynamo.Object).ClaimAsync("aloware#CALLS#1", "agent=1;date=20261126", CancellationToken.None);

        Assert.Equal(ClaimStatus.Acquired, claim.Status);
        Assert.Equal(dynamo.Invocations.Select(i => i.Arguments[0]).OfType<PutItemRequest>().Single().Item["owner"].S, claim.OwnerToken);
    }

    [Fact]
    public async Task AnotherWorkersLiveClaimIsStillInProgress()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .Returns((PutItemRequest put, CancellationToken _) =>
                throw new ConditionalCheckFailedException("The conditional request failed")
                {
                    Item = new Dictionary<string, AttributeValue>(put.Item) { ["owner"] = new AttributeValue { S = "someone-else" } },
                });

        var claim = await Ledger(dynamo.Object).ClaimAsync("aloware#CALLS#1", "agent=1;date=20261126", CancellationToken.None);

        Assert.Equal(ClaimStatus.InProgress, claim.Status);
    }

    [Fact]
    public async Task AClaimThatFailedWithoutAnAnswerIsGivenBackWithItsOwnToken()
    {
        var dynamo = new Mock<IAmazonDynamoDB>();
        dynamo.Setup(d => d.PutItemAsync(It.IsAny<PutItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("the answer was lost"));
        dynamo.Setup(d => d.DeleteItemAsync(It.IsAny<DeleteItemRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DeleteItemResponse());

        await Assert.ThrowsAsync<StoreUnavailableException>(() => Ledger(dynamo.Object).ClaimAsync("aloware#CALLS#1", "f", CancellationToken.None));

        var put = dynamo.Invocations.Select(i => i.Arguments[0]).OfType<PutItemRequest>().Single();
        var delete = dynamo.Invocations.Select(i => i.Arguments[0]).OfType<DeleteItemRequest>().Single();
        Assert.Equal(put.Item["owner"].S, delete.ExpressionAttributeValues[":owner"].S);
        Assert.Equal(put.Item["pk"].S, delete.Key["pk"].S);
    }
}
