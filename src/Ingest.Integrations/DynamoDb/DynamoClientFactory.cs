using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Extensions.NETCore.Setup;
using Amazon.Runtime;

namespace Ingest.Integrations.DynamoDb;

/// <summary>The AWS SDK's options for the DynamoDB client: the region and the default credentials chain, or a service URL for DynamoDB Local.</summary>
public static class DynamoClientFactory
{
    /// <summary>A client outside dependency injection (tests, tools), built by the SDK from the same options.</summary>
    public static IAmazonDynamoDB Create(DynamoDbOptions options) => AwsOptions(options).CreateServiceClient<IAmazonDynamoDB>();

    public static AWSOptions AwsOptions(DynamoDbOptions options)
    {
        var aws = new AWSOptions { Region = RegionEndpoint.GetBySystemName(options.Region) };
        aws.DefaultClientConfig.Timeout = options.RequestTimeout;
        aws.DefaultClientConfig.MaxErrorRetry = options.MaxErrorRetry;
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            aws.DefaultClientConfig.ServiceURL = options.ServiceUrl;
            aws.DefaultClientConfig.AuthenticationRegion = options.Region;
            // DynamoDB Local accepts any key; a real endpoint behind a URL still gets the default chain's credentials.
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")))
            {
                aws.Credentials = new BasicAWSCredentials("local", "local");
            }
        }

        return aws;
    }
}
