using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Builds the DynamoDB client: the region and the default credentials chain, or a service URL for DynamoDB Local.</summary>
public static class DynamoClientFactory
{
    public static IAmazonDynamoDB Create(DynamoDbOptions options)
    {
        var config = new AmazonDynamoDBConfig
        {
            Timeout = options.RequestTimeout,
            MaxErrorRetry = options.MaxErrorRetry,
        };

        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            return new AmazonDynamoDBClient(config);
        }

        config.ServiceURL = options.ServiceUrl;
        config.AuthenticationRegion = options.Region;

        // DynamoDB Local accepts any key; a real endpoint behind a URL still gets the default chain's credentials.
        var hasKeys = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"));
        return hasKeys ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
    }
}
