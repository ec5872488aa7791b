using Ingest.Core.Storage;

namespace Ingest.Core.Embedded;

public sealed class InMemoryAdminVersionStore : IAdminVersionStore
{
    private readonly Dictionary<(string, string), long> _versions = [];

    public Task<long?> GetAsync(string table, string scope, CancellationToken cancellationToken)
    {
        lock (_versions)
        {
            return Task.FromResult<long?>(_versions.TryGetValue((table, scope), out var v) ? v : null);
        }
    }

    public Task<bool> TryAdvanceAsync(string table, string scope, long version, CancellationToken cancellationToken)
    {
        lock (_versions)
        {
            if (_versions.TryGetValue((table, scope), out var current) && current >= version)
            {
                return Task.FromResult(false);
            }

            _versions[(table, scope)] = version;
            return Task.FromResult(true);
        }
    }
}

public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<AuditEntry> _entries = [];

    public Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        // Packing enforces the same size rule as the DynamoDB log, so the two cannot drift.
        AuditPayload.Pack(entry.Payload);
        lock (_entries)
        {
            _entries.Add(entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(string table, int max, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            return Task.FromResult<IReadOnlyList<AuditEntry>>(_entries.Where(e => e.Table == table).OrderByDescending(e => e.At).Take(max).ToArray());
        }
    }
}

public sealed class InMemoryNonceStore(TimeProvider clock) : INonceStore
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public Task<bool> TryUseAsync(string nonce, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_seen)
        {
            if (_seen.TryGetValue(nonce, out var expires) && expires > now)
            {
                return Task.FromResult(false);
            }

            _seen[nonce] = now + lifetime;
            return Task.FromResult(true);
        }
    }
}

public sealed class InMemoryTableLockStore(TimeProvider clock) : ITableLockStore
{
    private readonly Dictionary<string, (string Owner, string Holder, DateTimeOffset Expires)> _locks = new(StringComparer.Ordinal);

    public Task<LockAttempt> TryAcquireAsync(string table, string holder, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_locks)
        {
            if (_locks.TryGetValue(table, out var held) && held.Expires > now)
            {
                return Task.FromResult(new LockAttempt(null, held.Holder));
            }

            var owner = Guid.NewGuid().ToString("N");
            _locks[table] = (owner, holder, now + lease);
            return Task.FromResult(new LockAttempt(owner, null));
        }
    }

    public Task<bool> ReleaseAsync(string table, string ownerToken, CancellationToken cancellationToken)
    {
        lock (_locks)
        {
            return Task.FromResult(_locks.TryGetValue(table, out var held) && held.Owner == ownerToken && _locks.Remove(table));
        }
    }
}
