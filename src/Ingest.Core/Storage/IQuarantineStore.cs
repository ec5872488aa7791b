using Ingest.Core.Domain;

namespace Ingest.Core.Storage;

/// <summary>Facts of agents not on the roster, kept so they can be replayed once the roster gains them.</summary>
public interface IQuarantineStore
{
    Task AddAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken);

    /// <summary>Removes and returns the quarantined facts of these agents.</summary>
    Task<IReadOnlyList<FactEventRow>> TakeAsync(IReadOnlySet<long> agentIds, CancellationToken cancellationToken);
}
