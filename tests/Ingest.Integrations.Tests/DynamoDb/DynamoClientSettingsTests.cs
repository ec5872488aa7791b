using Amazon.DynamoDBv2;
using Ingest.Integrations.DynamoDb;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Tests.DynamoDb;

/// <summary>The client the SDK's dependency injection builds carries the DynamoDb__* settings (no call is made).</summary>
public sealed class DynamoClientSettingsTests
{
    private static IAmazonDynamoDB Resolve(Dictionary<string, string?> settings)
    {
        settings["DynamoDb:Enabled"] = "true";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddDynamoDbState(configuration).BuildServiceProvider().GetRequiredService<IAmazonDynamoDB>();
    }

    [Fact]
    public void ALocalServiceUrlWithItsTimeoutAndRetries()
    {
        var client = Resolve(new()
        {
            ["DynamoDb:Region"] = "us-east-1",
            ["DynamoDb:ServiceUrl"] = "http://127.0.0.1:8000",
            ["DynamoDb:RequestTimeout"] = "00:00:03",
            ["DynamoDb:MaxErrorRetry"] = "1",
        });

        Assert.Equal("http://127.0.0.1:8000", client.Config.ServiceURL.TrimEnd('/'));
        Assert.Equal(TimeSpan.FromSeconds(3), client.Config.Timeout);
        Assert.Equal(1, client.Config.MaxErrorRetry);
        Assert.Equal("us-east-1", client.Config.AuthenticationRegion);
    }

    [Fact]
    public void ARegionWithoutAServiceUrlLeavesCredentialsToTheDefaultChain()
    {
        // Not resolved into a client here: the default chain would look for EC2 metadata, off this machine.
        var aws = DynamoClientFactory.AwsOptions(new DynamoDbOptions { Region = "eu-west-1" });

        Assert.Equal("eu-west-1", aws.Region.SystemName);
        Assert.Null(aws.Credentials);
        Assert.Null(aws.DefaultClientConfig.ServiceURL);
        Assert.Equal(TimeSpan.FromSeconds(5), aws.DefaultClientConfig.Timeout);
        Assert.Equal(2, aws.DefaultClientConfig.MaxErrorRetry);
    }
}
