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
