using Ingest.Core.Domain;

namespace Ingest.Core.Storage;

/// <summary>
/// Where FactEvent rows go. The call returns when the rows landed; it throws when they did not,
/// so the pipeline completes the ledger only for rows that landed.
/// </summary>
public interface IFactSink
{
    Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken);
}

/// <summary>Whether the sink refuses every write for now (an open circuit), so the redrive postpones instead of trying.</summary>
public interface ISinkAvailability
{
    /// <summary>How much longer the sink refuses every write at once; zero while it accepts.</summary>
    TimeSpan RefusingFor { get; }
}

/// <summary>A sink with no circuit of its own: it always lets the redrive try.</summary>
public sealed class AlwaysAvailable : ISinkAvailability
{
    public TimeSpan RefusingFor => TimeSpan.Zero;
}
