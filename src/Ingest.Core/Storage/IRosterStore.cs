using Ingest.Core.Domain;

namespace Ingest.Core.Storage;

/// <summary>The agents: the roster that gates ingest and feeds DimAgent.</summary>
public interface IRosterStore
{
    Task<Roster> GetAsync(CancellationToken cancellationToken);

    Task ReplaceAsync(IReadOnlyList<DimAgent> agents, CancellationToken cancellationToken);
}
