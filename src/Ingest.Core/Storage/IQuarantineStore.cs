using Ingest.Core.Domain;

namespace Ingest.Core.Storage;

/// <summary>
/// Facts of agents not on the roster, kept so they can be replayed once the roster gains them. Replay reads,
/// counts, and only then removes: a crash or a fault in between leaves the facts for the next replay, which
/// the ledger makes safe.
/// </summary>
public interface IQuarantineStore
{
    Task AddAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken);

    /// <summary>The quarantined facts of these agents, left in place.</summary>
    Task<IReadOnlyList<FactEventRow>> ReadAsync(IReadOnlySet<long> agentIds, CancellationToken cancellationToken);

    /// <summary>Every quarantined fact still kept, of every agent: for ops to see whom the roster lacks.</summary>
    Task<IReadOnlyList<FactEventRow>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Removes facts that have been counted (or found counted already).</summary>
    Task RemoveAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken);
}
