using System.Net;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Ingest.Core.Storage;

namespace Ingest.Integrations.DynamoDb;

/// <summary>Turns throttling, server faults, timeouts and an unreachable endpoint into <see cref="StoreUnavailableException"/>.</summary>
internal static class DynamoErrors
{
    public static async Task<T> TransientAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsTransient(e, cancellationToken))
        {
            throw new StoreUnavailableException($"DynamoDB {operation} failed transiently: {e.GetType().Name}", e);
        }
    }

    public static Task TransientAsync(string operation, Func<Task> call, CancellationToken cancellationToken)
        => TransientAsync<bool>(operation, async () => { await call(); return true; }, cancellationToken);

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        ProvisionedThroughputExceededException or RequestLimitExceededException or InternalServerErrorException => true,
        AmazonServiceException { StatusCode: HttpStatusCode.TooManyRequests } => true,
        AmazonServiceException { ErrorCode: "ThrottlingException" } => true,
        AmazonServiceException service when (int)service.StatusCode >= 500 => true,
        AmazonClientException or HttpRequestException or IOException or System.Net.Sockets.SocketException => true,
        OperationCanceledException or TimeoutException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
