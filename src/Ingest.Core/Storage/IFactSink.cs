using Ingest.Core.Domain;

namespace Ingest.Core.Storage;

/// <summary>
/// Where FactEvent rows go. The call returns when the rows landed; it throws when they did not,
/// so the pipeline completes the ledger only for rows that landed.
/// </summary>
public interface IFactSink
{
    Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken);

    /// <summary>How much longer the sink refuses every post at once (an open circuit); zero while it accepts.</summary>
    TimeSpan RefusingFor => TimeSpan.Zero;
}
