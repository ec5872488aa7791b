using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Ingest.Core.Capture;
using Ingest.Core.Domain;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Capture;

/// <summary>
/// The capture queue on Azure Storage (Azurite in tests). A delivery is sent invisible for the redrive delay,
/// so the queue trigger (or the local host's redrive) sees it only if its request gave up or died. A body too
/// large for a queue message (64 KB, base64) is stored as a blob and the message carries its name (claim check).
/// Messages are base64-encoded, as the Functions queue trigger expects.
/// </summary>
public sealed class StorageQueueCaptureQueue : ICaptureQueue, ITriggeredCaptures
{
    /// <summary>A queue message's limit, counted on the text as sent: after the queue client's own base64.</summary>
    internal const int MaxMessageBytes = 64 * 1024;

    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly BlobContainerClient _blobs;
    private readonly CaptureOptions _options;
    private readonly TimeSpan _claimCheckRetention;
    private readonly TimeProvider _clock;

    public StorageQueueCaptureQueue(IOptions<CaptureOptions> options, IOptions<StorageCaptureOptions> storage, TimeProvider? clock = null)
    {
        _options = options.Value;
        _claimCheckRetention = storage.Value.ClaimCheckRetention;
        _clock = clock ?? TimeProvider.System;
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var settings = storage.Value;
        if (!string.IsNullOrWhiteSpace(settings.Connection))
        {
            _queue = new QueueClient(settings.Connection, StorageCaptureOptions.QueueName, queueOptions);
            _poison = new QueueClient(settings.Connection, StorageCaptureOptions.PoisonQueueName, queueOptions);
            _blobs = new BlobContainerClient(settings.Connection, settings.BlobContainer);
            return;
        }

        var identity = AppIdentity.Credential;
        _queue = new QueueClient(new Uri($"https://{settings.AccountName}.queue.core.windows.net/{StorageCaptureOptions.QueueName}"), identity, queueOptions);
        _poison = new QueueClient(new Uri($"https://{settings.AccountName}.queue.core.windows.net/{StorageCaptureOptions.PoisonQueueName}"), identity, queueOptions);
        _blobs = new BlobContainerClient(new Uri($"https://{settings.AccountName}.blob.core.windows.net/{settings.BlobContainer}"), identity);
    }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _blobs.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>A cheap call that proves the queue answers, for the health endpoint.</summary>
    public Task ProbeAsync(CancellationToken cancellationToken) => _queue.GetPropertiesAsync(cancellationToken);

    public Task<CapturedDelivery> CaptureAsync(IngestEnvelope envelope, CancellationToken cancellationToken)
        => StorageFaults.Transient("capture", async () =>
        {
            var text = JsonSerializer.Serialize(CapturedMessage.From(envelope, blob: null));
            string? blob = null;
            if (!FitsInAMessage(text))
            {
                // Claim check: the body is base64 inside the JSON and the client encodes the JSON again (about 1.78×).
                blob = $"{envelope.ReceivedAtUtc.UtcDateTime:yyyy/MM/dd}/{envelope.RequestId}-{Guid.NewGuid():N}.json";
                await _blobs.GetBlobClient(blob).UploadAsync(BinaryData.FromBytes(envelope.Body), cancellationToken);
                text = JsonSerializer.Serialize(CapturedMessage.From(envelope, blob));
            }

            try
            {
                var receipt = (await _queue.SendMessageAsync(text, _options.RedriveDelay, NeverExpires, cancellationToken)).Value;
                return new CapturedDelivery(receipt.MessageId, receipt.PopReceipt, 0, envelope, text);
            }
            catch when (blob is not null)
            {
                // Nothing refers to the body now (the delivery is refused or captured again): raw bodies are not kept.
                await DeleteBlobAsync(blob);
                throw;
            }
        });

    /// <summary>True when the text, base64-encoded as the client sends it, is within the queue's message limit.</summary>
    internal static bool FitsInAMessage(string text) => (System.Text.Encoding.UTF8.GetByteCount(text) + 2) / 3 * 4 <= MaxMessageBytes;

    /// <summary>A message that stays until it is deleted (the queue's default is 7 days).</summary>
    internal static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    public Task<IReadOnlyList<CapturedDelivery>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
        => StorageFaults.Transient<IReadOnlyList<CapturedDelivery>>("receive", async () =>
        {
            var messages = (await _queue.ReceiveMessagesAsync(Math.Clamp(maxMessages, 1, 32), _options.VisibilityTimeout, cancellationToken)).Value;
            var deliveries = new List<CapturedDelivery>(messages.Length);
            foreach (var message in messages)
            {
                try
                {
                    deliveries.Add(new CapturedDelivery(message.MessageId, message.PopReceipt, message.DequeueCount, await OpenAsync(message.MessageText, cancellationToken), message.MessageText));
                }
                catch (CaptureSettledException)
                {
                    await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
                catch (CaptureUnreadableException)
                {
                    // Not a capture this app can read: kept in the poison queue for a human, not retried forever.
                    await _poison.SendMessageAsync(message.MessageText, TimeSpan.Zero, NeverExpires, cancellationToken);
                    await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
            }

            return deliveries;
        });

    /// <summary>
    /// Queues a trigger's message again, invisible for <paramref name="delay"/> and with a fresh attempt count, so the
    /// trigger can finish this attempt without spending it: for an outage, which says nothing about the delivery.
    /// </summary>
    public Task PostponeAsync(string messageText, TimeSpan delay, CancellationToken cancellationToken)
        => StorageFaults.Transient("postpone", () => _queue.SendMessageAsync(messageText, delay, NeverExpires, cancellationToken));

    /// <summary>The redrive's postpone: the message again with a fresh count, then this copy deleted (a copy too many is harmless, one too few is not).</summary>
    public async Task PostponeAsync(CapturedDelivery delivery, TimeSpan delay, CancellationToken cancellationToken)
    {
        await PostponeAsync(StoredText(delivery), delay, cancellationToken);
        await StorageFaults.Transient("postpone", () => DeleteMessageAsync(delivery, cancellationToken));
    }

    /// <summary>Poisons a trigger's message: kept with no expiry (the host's own move would keep it 7 days).</summary>
    public Task PoisonAsync(string messageText, CancellationToken cancellationToken)
        => StorageFaults.Transient("poison", () => _poison.SendMessageAsync(messageText, TimeSpan.Zero, NeverExpires, cancellationToken));

    private static string StoredText(CapturedDelivery delivery)
        => delivery.StoredText ?? JsonSerializer.Serialize(CapturedMessage.From(delivery.Envelope, blob: null));

    /// <summary>Settles a delivery: its message, then its claim-check body (raw bodies hold phone numbers; none is kept).</summary>
    public Task DeleteAsync(CapturedDelivery delivery, CancellationToken cancellationToken)
        => StorageFaults.Transient("delete", async () =>
        {
            if (await DeleteMessageAsync(delivery, cancellationToken))
            {
                await DeleteClaimCheckAsync(delivery.StoredText);
            }
        });

    /// <returns>False when the message was received again meanwhile: its new holder settles it, body included.</returns>
    private async Task<bool> DeleteMessageAsync(CapturedDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.DeleteMessageAsync(delivery.MessageId, delivery.PopReceipt, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404 || e.ErrorCode == "PopReceiptMismatch")
        {
            return false;
        }
    }

    /// <summary>Deletes the claim-check body a settled message referred to (the queue trigger's path: the host deletes the message).</summary>
    public Task ForgetBodyAsync(string messageText) => DeleteClaimCheckAsync(messageText);

    private async Task DeleteClaimCheckAsync(string? messageText)
    {
        if (messageText is not null && JsonSerializer.Deserialize<CapturedMessage>(messageText)?.Blob is { } blob)
        {
            await DeleteBlobAsync(blob);
        }
    }

    private async Task DeleteBlobAsync(string blob)
    {
        try
        {
            await _blobs.GetBlobClient(blob).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
        catch (Exception e) when (e is RequestFailedException || StorageFaults.IsUnreachable(e))
        {
            // Left behind (nothing refers to it any more): the Bicep's lifecycle rule removes it.
        }
    }

    public Task MoveToPoisonAsync(CapturedDelivery delivery, CancellationToken cancellationToken)
        => StorageFaults.Transient("poison", async () =>
        {
            await _poison.SendMessageAsync(StoredText(delivery), TimeSpan.Zero, NeverExpires, cancellationToken);
            await _queue.DeleteMessageAsync(delivery.MessageId, delivery.PopReceipt, cancellationToken);
        });

    /// <summary>Scans the whole poison queue for deliveries to replay (<see cref="PoisonQueueScan"/>).</summary>
    public Task<IReadOnlyList<IngestEnvelope>> ReplayPoisonAsync(string? requestId, bool dryRun, CancellationToken cancellationToken)
        => new PoisonQueueScan(_queue, _poison, OpenAsync).ReplayAsync(requestId, dryRun, cancellationToken);

    /// <summary>Turns a queue message (as the queue trigger hands it over) back into the envelope it captured.</summary>
    public async Task<IngestEnvelope> OpenAsync(string messageText, CancellationToken cancellationToken)
    {
        CapturedMessage message;
        byte[]? inline;
        try
        {
            message = JsonSerializer.Deserialize<CapturedMessage>(messageText) ?? throw new CaptureUnreadableException("An empty capture message.");
            inline = message.Blob is null ? Convert.FromBase64String(message.Body ?? "") : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new CaptureUnreadableException($"A capture message that is not one: {e.Message}", e);
        }

        return new IngestEnvelope(message.Source, message.RequestId, message.ReceivedAtUtc, inline ?? await DownloadAsync(message, cancellationToken));
    }

    private async Task<byte[]> DownloadAsync(CapturedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return (await _blobs.GetBlobClient(message.Blob).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // A body the lifecycle rule removed before its delivery settled is unreadable, not settled: it goes to
            // the poison queue for a human instead of being dropped without a word. A day of margin for clock skew.
            if (_clock.GetUtcNow() - message.ReceivedAtUtc >= _claimCheckRetention - TimeSpan.FromDays(1))
            {
                throw new CaptureUnreadableException($"The body of delivery {message.RequestId} was removed by the claim-check retention ({_claimCheckRetention.TotalDays:0} days) before it settled.");
            }

            // Bodies are deleted only once their delivery settled: this is another copy of a settled message.
            throw new CaptureSettledException(message.RequestId);
        }
    }
}
