using Azure.Storage.Queues.Models;
using Ingest.Core.Capture;
using Ingest.Integrations.Capture;
using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions;

/// <summary>The queue-triggered redrive of captured deliveries; <see cref="TriggeredRedrive"/> does the work.</summary>
public sealed class RedriveFunction(TriggeredRedrive redrive)
{
    [Function("Redrive")]
    public Task Run([QueueTrigger(StorageCaptureOptions.QueueName, Connection = "AzureWebJobsStorage")] QueueMessage message, CancellationToken cancellationToken)
        => redrive.RunAsync(message.MessageId, message.MessageText, message.DequeueCount, cancellationToken);
}
