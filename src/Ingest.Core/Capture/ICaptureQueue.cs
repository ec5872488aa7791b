using Ingest.Core.Domain;

namespace Ingest.Core.Capture;

/// <summary>A delivery taken from the capture queue, with what is needed to delete, postpone or poison it.</summary>
/// <param name="StoredText">The message as the queue holds it (a claim-check reference included), re-sent as is.</param>
public sealed record CapturedDelivery(string MessageId, string PopReceipt, long DequeueCount, IngestEnvelope Envelope, string? StoredText = null);

/// <summary>
/// Durable capture (docs/contracts.md, I1): a countable delivery is stored before any downstream call, and deleted
/// only once it is settled. A message stays invisible for the redrive delay after capture, and for the
/// visibility timeout after each receive, so the redrive sees only deliveries whose handler gave up or died.
/// </summary>
public interface ICaptureQueue
{
    /// <exception cref="Exception">The store is down: the webhook answers 503, the one case it may.</exception>
    Task<CapturedDelivery> CaptureAsync(IngestEnvelope envelope, CancellationToken cancellationToken);

    Task<IReadOnlyList<CapturedDelivery>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken);

    Task DeleteAsync(CapturedDelivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a delivery back, invisible for <paramref name="delay"/> and with a fresh attempt count: its attempt met an
    /// outage or another worker's claim, which says nothing about the delivery itself.
    /// </summary>
    Task PostponeAsync(CapturedDelivery delivery, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Moves a delivery that kept failing to the poison queue, where it stays (no expiry) until an admin replays it.</summary>
    Task MoveToPoisonAsync(CapturedDelivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// Puts poisoned deliveries (all, or the one with <paramref name="requestId"/>) back on the capture queue,
    /// visible at once; with <paramref name="dryRun"/> only lists them.
    /// </summary>
    Task<IReadOnlyList<IngestEnvelope>> ReplayPoisonAsync(string? requestId, bool dryRun, CancellationToken cancellationToken);
}
