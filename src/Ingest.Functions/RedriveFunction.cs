using Ingest.Core.Capture;
using Ingest.Integrations.Capture;
using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions;

/// <summary>
/// The queue-triggered redrive: a captured delivery becomes visible only when its request gave up (deferred)
/// or its worker died. Throwing leaves the message for another attempt; after host.json's maxDequeueCount the
/// host moves it to the poison queue (ingest-capture-poison).
/// </summary>
public sealed class RedriveFunction(StorageQueueCaptureQueue captures, Redriver redriver)
{
    [Function("Redrive")]
    public async Task Run([QueueTrigger(StorageCaptureOptions.QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        var envelope = await captures.OpenAsync(message, cancellationToken);
        if (!await redriver.SettleAsync(envelope, cancellationToken))
        {
            throw new RedriveIncompleteException(envelope.RequestId);
        }
    }
}

/// <summary>Another worker still holds some of the delivery's facts: try again later rather than drop the capture.</summary>
public sealed class RedriveIncompleteException(string requestId)
    : Exception($"Delivery {requestId} still has facts held by another worker; it will be retried.");
