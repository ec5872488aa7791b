namespace Ingest.Core.Storage;

/// <summary>
/// A dependency is down, throttled or saturated: nothing is wrong with the delivery, so the redrive postpones it
/// with a fresh attempt count instead of spending its attempts toward the poison queue.
/// </summary>
public abstract class TransientFaultException(string message, Exception? inner = null) : Exception(message, inner);
