namespace Ingest.Core.Capture;

/// <summary>The delivery's claim-check body is gone, which happens only once the delivery settled (through another copy).</summary>
public sealed class CaptureSettledException(string requestId) : Exception($"Delivery {requestId} has already settled; its body was deleted.");

/// <summary>A captured message that cannot be turned back into its delivery: it goes to the poison queue for a human.</summary>
public sealed class CaptureUnreadableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The attempt failed and attempts remain: the host makes the message visible again for the next one.</summary>
public sealed class RedriveFailedException(string requestId, long attempt)
    : Exception($"Redrive of delivery {requestId} failed on attempt {attempt}; it will be retried.");
