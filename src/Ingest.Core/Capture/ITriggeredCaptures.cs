using Ingest.Core.Domain;

namespace Ingest.Core.Capture;

/// <summary>
/// The capture store as a queue trigger sees it: the host hands over one message as text, deletes it when the
/// function returns and makes it visible again when it throws; reading, postponing and poisoning it are the store's.
/// </summary>
public interface ITriggeredCaptures
{
    /// <summary>Turns the message back into the delivery it captured.</summary>
    /// <exception cref="CaptureSettledException">Another copy of it settled already.</exception>
    /// <exception cref="CaptureUnreadableException">It cannot be read; retrying cannot help.</exception>
    Task<IngestEnvelope> OpenAsync(string messageText, CancellationToken cancellationToken);

    /// <summary>Queues the message again, invisible for <paramref name="delay"/> and with a fresh attempt count, so this attempt is not spent.</summary>
    Task PostponeAsync(string messageText, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Keeps the message in the poison queue with no expiry (the host's own move would keep it 7 days).</summary>
    Task PoisonAsync(string messageText, CancellationToken cancellationToken);

    /// <summary>Removes what outlives the host's delete of a settled message: its claim-check body.</summary>
    Task ForgetBodyAsync(string messageText);
}
