using Azure.Storage.Queues.Models;
using Ingest.Core.Capture;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Ingest.Integrations.Capture;

/// <summary>
/// One queue-triggered redrive of a captured delivery (the Functions app's <c>Redrive</c> function): a message becomes
/// visible only when its request gave up (deferred) or its worker died. An outage or another worker's claim postpones
/// it with a fresh attempt count; other failures throw, so the host retries; the last allowed failure poisons it here,
/// with no expiry, before the host's own move (which would keep it only 7 days).
/// </summary>
public sealed class StorageRedrive(StorageQueueCaptureQueue captures, Redriver redriver, IFactSink sink, IngestMetrics metrics, ILogger<StorageRedrive> logger)
{
    /// <exception cref="RedriveFailedException">The attempt failed and attempts remain: the host makes the message visible again.</exception>
    public async Task RunAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await RedriveAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not RedriveFailedException && redriver.IsLastAttempt(message.DequeueCount) && !cancellationToken.IsCancellationRequested)
        {
            // Whatever failed on the last attempt (a postpone that could not be sent, a body that could not be read),
            // the host's own poison move would keep the message 7 days; ours keeps it until an admin replays it.
            logger.LogError(e, "The last redrive attempt of message {MessageId} failed; moved to the poison queue", message.MessageId);
            await PoisonAsync(message, "unknown", cancellationToken);
        }
    }

    private async Task PoisonAsync(QueueMessage message, string source, CancellationToken cancellationToken)
    {
        await captures.PoisonAsync(message.MessageText, cancellationToken);
        metrics.Poisoned(source);
    }

    private async Task RedriveAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        // While Power BI's circuit is open an attempt could only fail: come back when it closes.
        if (sink.RefusingFor is { } refusing && refusing > TimeSpan.Zero)
        {
            logger.LogInformation("Power BI's circuit is open for {RefusingFor}; the delivery is postponed, not attempted", refusing);
            await captures.PostponeAsync(message.MessageText, refusing + TimeSpan.FromSeconds(1), cancellationToken);
            return;
        }

        IngestEnvelope envelope;
        try
        {
            envelope = await captures.OpenAsync(message.MessageText, cancellationToken);
        }
        catch (CaptureSettledException)
        {
            return; // another copy settled it; the host deletes this one
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidDataException)
        {
            // Unreadable: retrying cannot help, and the host's own poisoning would let the message expire.
            logger.LogError(e, "A captured delivery cannot be read; moved to the poison queue");
            await PoisonAsync(message, "unknown", cancellationToken);
            return;
        }

        switch (await redriver.AttemptAsync(envelope, message.DequeueCount, cancellationToken))
        {
            case RedriveVerdict.Settled:
                await captures.DeleteClaimCheckAsync(message.MessageText);
                return;
            case RedriveVerdict.Postpone:
                await captures.PostponeAsync(message.MessageText, redriver.PostponeFor, cancellationToken);
                return;
            case RedriveVerdict.Failed when redriver.IsLastAttempt(message.DequeueCount):
                logger.LogError("Delivery {RequestId} failed {Attempts} times; moved to the poison queue", envelope.RequestId, message.DequeueCount);
                await PoisonAsync(message, envelope.Source, cancellationToken);
                return;
            case RedriveVerdict.Failed:
                throw new RedriveFailedException(envelope.RequestId, message.DequeueCount);
        }
    }
}

/// <summary>The attempt failed and attempts remain: the host makes the message visible again for the next one.</summary>
public sealed class RedriveFailedException(string requestId, long attempt)
    : Exception($"Redrive of delivery {requestId} failed on attempt {attempt}; it will be retried.");
