using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.Core.Embedded;

public sealed class InMemoryQuarantineStore : IQuarantineStore
{
    private readonly Dictionary<string, FactEventRow> _rows = new(StringComparer.Ordinal);

    public Task AddAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            foreach (var row in rows)
            {
                _rows.TryAdd(row.EventKey, row);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FactEventRow>> ReadAsync(IReadOnlySet<long> agentIds, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            return Task.FromResult<IReadOnlyList<FactEventRow>>(_rows.Values.Where(r => agentIds.Contains(r.AgentID)).ToArray());
        }
    }

    public Task<IReadOnlyList<FactEventRow>> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            return Task.FromResult<IReadOnlyList<FactEventRow>>(_rows.Values.ToArray());
        }
    }

    public Task RemoveAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            foreach (var row in rows)
            {
                _rows.Remove(row.EventKey);
            }
        }

        return Task.CompletedTask;
    }
}
