namespace Ingest.Core.Storage;

/// <summary>A store was throttled or unreachable: a transient fault, so the pipeline defers rather than fails.</summary>
public sealed class StoreUnavailableException(string message, Exception inner) : TransientFaultException(message, inner);
