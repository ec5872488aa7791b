namespace Ingest.Integrations.Capture;

/// <summary>The message's claim-check body is gone, which happens only once its delivery settled (through another copy).</summary>
public sealed class CaptureSettledException(string requestId) : Exception($"Delivery {requestId} has already settled; its body was deleted.");
