using System.Collections.Concurrent;
using Ingest.Core.Storage;

namespace Ingest.Core.Embedded;

public sealed class InMemoryDimRegistry : IDimRegistry
{
    private readonly ConcurrentDictionary<(string Table, string Key), byte> _pushed = new();

    public Task<bool> TryReserveAsync(string table, string rowKey, CancellationToken cancellationToken)
        => Task.FromResult(_pushed.TryAdd((table, rowKey), 0));

    public Task UnreserveAsync(string table, string rowKey, CancellationToken cancellationToken)
    {
        _pushed.TryRemove((table, rowKey), out _);
        return Task.CompletedTask;
    }

    public Task ClearAsync(string table, CancellationToken cancellationToken)
    {
        foreach (var key in _pushed.Keys.Where(k => k.Table == table))
        {
            _pushed.TryRemove(key, out _);
        }

        return Task.CompletedTask;
    }
}
