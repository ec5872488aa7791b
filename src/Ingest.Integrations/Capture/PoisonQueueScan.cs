using Azure;
using Azure.Storage.Queues;
using Ingest.Core.Capture;
using Ingest.Core.Domain;

namespace Ingest.Integrations.Capture;

/// <summary>The poison queue's replay: finds the deliveries asked for and sends them back to the capture queue.</summary>
internal sealed class PoisonQueueScan(QueueClient queue, QueueClient poison, Func<string, CancellationToken, Task<IngestEnvelope>> open)
{
    /// <summary>
    /// Scans the whole poison queue: messages not replayed stay invisible until the scan ends (so each receive brings
    /// new ones, however many are queued), then are made visible again.
    /// </summary>
    public Task<IReadOnlyList<IngestEnvelope>> ReplayAsync(string? requestId, bool dryRun, CancellationToken cancellationToken)
        => StorageFaults.Transient<IReadOnlyList<IngestEnvelope>>("replay", async () =>
        {
            var chosen = new List<IngestEnvelope>();
            var kept = new Dictionary<string, string>(); // message id → latest pop receipt
            try
            {
                while (true)
                {
                    var messages = (await poison.ReceiveMessagesAsync(32, ScanVisibility, cancellationToken)).Value;
                    // Empty, or only messages met before (a scan longer than their invisibility): the scan is done.
                    if (messages.Length == 0 || messages.All(m => kept.ContainsKey(m.MessageId)))
                    {
                        foreach (var message in messages)
                        {
                            kept[message.MessageId] = message.PopReceipt;
                        }

                        break;
                    }

                    foreach (var message in messages)
                    {
                        // A scan longer than the invisibility meets a kept message again: note its new receipt only.
                        var again = kept.ContainsKey(message.MessageId);
                        IngestEnvelope envelope;
                        try
                        {
                            envelope = await open(message.MessageText, cancellationToken);
                        }
                        catch (CaptureSettledException)
                        {
                            // Another copy of it settled: nothing left to replay.
                            await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                            continue;
                        }
                        catch (CaptureUnreadableException)
                        {
                            kept[message.MessageId] = message.PopReceipt; // unreadable: left for a human
                            continue;
                        }

                        var wanted = requestId is null || envelope.RequestId == requestId;
                        if (!wanted || dryRun)
                        {
                            kept[message.MessageId] = message.PopReceipt;
                            if (wanted && !again)
                            {
                                chosen.Add(envelope);
                            }

                            continue;
                        }

                        chosen.Add(envelope);
                        await queue.SendMessageAsync(message.MessageText, TimeSpan.Zero, StorageQueueCaptureQueue.NeverExpires, cancellationToken);
                        await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    }
                }
            }
            finally
            {
                await ShowAgainAsync(kept);
            }

            return chosen;
        });

    /// <summary>How long a scanned poison message stays invisible; the scan shows the kept ones again when it ends.</summary>
    private static readonly TimeSpan ScanVisibility = TimeSpan.FromMinutes(2);

    private async Task ShowAgainAsync(Dictionary<string, string> kept)
    {
        foreach (var (id, popReceipt) in kept)
        {
            try
            {
                await poison.UpdateMessageAsync(id, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
            }
            catch (RequestFailedException)
            {
                // Gone or received again meanwhile: it reappears by itself when its invisibility ends.
            }
        }
    }
}
