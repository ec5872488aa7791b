using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.Core.Embedded;

public sealed class InMemoryRosterStore : IRosterStore
{
    private volatile Roster _roster = Roster.Empty;

    public Task<Roster> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_roster);

    public Task ReplaceAsync(IReadOnlyList<DimAgent> agents, CancellationToken cancellationToken)
    {
        _roster = new Roster(agents);
        return Task.CompletedTask;
    }
}
