using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Embedded;

/// <summary>
/// The embedded ledger for <c>dotnet run</c>. It obeys the same conditions as the DynamoDB ledger:
/// claim when absent, expired or lease lapsed; complete and release only with the owner token.
/// </summary>
public sealed class InMemoryLedger(IOptions<LedgerOptions> options, TimeProvider clock) : ILedger
{
    private enum State { InProgress, Completed }

    private sealed record Entry(State State, string OwnerToken, DateTimeOffset LeaseExpiresAt, DateTimeOffset ExpiresAt, string Fingerprint);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LedgerOptions _options = options.Value;

    public Task<LedgerClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out var existing) && existing.ExpiresAt > now)
            {
                if (existing.State == State.Completed)
                {
                    return Task.FromResult(new LedgerClaim(ClaimStatus.AlreadyCompleted, null, existing.Fingerprint));
                }

                if (existing.LeaseExpiresAt > now)
                {
                    return Task.FromResult(new LedgerClaim(ClaimStatus.InProgress, null, existing.Fingerprint));
                }
            }

            var token = Guid.NewGuid().ToString("N");
            _entries[key] = new Entry(State.InProgress, token, now + _options.LeaseDuration, now + _options.Retention, fingerprint);
            return Task.FromResult(new LedgerClaim(ClaimStatus.Acquired, token, null));
        }
    }

    public Task<bool> CompleteAsync(string key, string ownerToken, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_entries)
        {
            if (!IsOwnedBy(key, ownerToken, out var entry))
            {
                // Completed with this token already: the same answer as the DynamoDB ledger gives a retried complete.
                return Task.FromResult(entry is { State: State.Completed } && entry.OwnerToken == ownerToken);
            }

            _entries[key] = entry with { State = State.Completed, ExpiresAt = now + _options.Retention };
            return Task.FromResult(true);
        }
    }

    public Task<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            return Task.FromResult(IsOwnedBy(key, ownerToken, out _) && _entries.Remove(key));
        }
    }

    public Task<ClaimStatus?> PeekAsync(string key, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        lock (_entries)
        {
            ClaimStatus? status = !_entries.TryGetValue(key, out var entry) || entry.ExpiresAt <= now ? null
                : entry.State == State.Completed ? ClaimStatus.AlreadyCompleted
                : entry.LeaseExpiresAt > now ? ClaimStatus.InProgress
                : null;
            return Task.FromResult(status);
        }
    }

    private bool IsOwnedBy(string key, string ownerToken, out Entry entry)
        => _entries.TryGetValue(key, out entry!) && entry.State == State.InProgress && entry.OwnerToken == ownerToken;
}
