using Ingest.Core.Capture;
using Ingest.Integrations.Capture;
using Ingest.Core.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions;

/// <summary>
/// The queue-triggered redrive: a captured delivery becomes visible only when its request gave up (deferred)
/// or its worker died. Throwing leaves the message for another attempt; after host.json's maxDequeueCount the
/// host moves it to the poison queue (ingest-capture-poison). An open Power BI circuit postpones instead.
/// </summary>
public sealed class RedriveFunction(StorageQueueCaptureQueue captures, Redriver redriver, IFactSink sink, ILogger<RedriveFunction> logger)
{
    [Function("Redrive")]
    public async Task Run([QueueTrigger(StorageCaptureOptions.QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken)
    {
        // While Power BI's circuit is open an attempt would only count toward the poison queue: put the message
        // back for when the circuit closes, and let this attempt succeed.
        if (sink.RefusingFor is { } refusing && refusing > TimeSpan.Zero)
        {
            logger.LogInformation("Power BI's circuit is open for {RefusingFor}; the delivery is postponed, not attempted", refusing);
            await captures.PostponeAsync(message, refusing + TimeSpan.FromSeconds(1), cancellationToken);
            return;
        }

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
