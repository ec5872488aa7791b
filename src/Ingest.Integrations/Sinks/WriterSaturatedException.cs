using Ingest.Core.Storage;

namespace Ingest.Integrations.Sinks;

/// <summary>The writer holds as many rows as it may: the caller should defer its delivery, not wait.</summary>
public sealed class WriterSaturatedException(int queuedRows) : TransientFaultException($"The FactEvent writer already holds {queuedRows} rows waiting for the sink.");
