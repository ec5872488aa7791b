using Ingest.Core.Storage;

namespace Ingest.Core.Embedded;

/// <summary>The embedded registry for <c>dotnet run</c>, under the same conditions as the DynamoDB one.</summary>
public sealed class InMemoryDimRegistry : IDimRegistry
{
    /// <summary>A confirmed row has no token and no lease.</summary>
    private sealed record Entry(string? Token, DateTimeOffset LeaseExpiresAt);

    private readonly Dictionary<(string Table, string Key), Entry> _rows = [];

    public Task<DimReservation> TryReserveAsync(string table, string rowKey, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            if (_rows.TryGetValue((table, rowKey), out var entry))
            {
                return Task.FromResult(new DimReservation(entry.Token is null ? DimRowStatus.Pushed : entry.LeaseExpiresAt > now ? DimRowStatus.Pushing : DimRowStatus.Uncertain, null));
            }

            var token = Guid.NewGuid().ToString("N");
            _rows[(table, rowKey)] = new Entry(token, now + lease);
            return Task.FromResult(new DimReservation(DimRowStatus.Reserved, token));
        }
    }

    public Task<string> TakeOverAsync(string table, string rowKey, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        lock (_rows)
        {
            _rows[(table, rowKey)] = new Entry(token, now + lease);
        }

        return Task.FromResult(token);
    }

    public Task ConfirmAsync(string table, string rowKey, string token, CancellationToken cancellationToken)
        => Change(table, rowKey, token, entry => entry with { Token = null });

    public Task UnreserveAsync(string table, string rowKey, string token, CancellationToken cancellationToken)
        => Change(table, rowKey, token, _ => null);

    public Task AbandonAsync(string table, string rowKey, string token, CancellationToken cancellationToken)
        => Change(table, rowKey, token, entry => entry with { LeaseExpiresAt = DateTimeOffset.MinValue });

    public Task<IReadOnlyList<string>> ListAsync(string table, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            return Task.FromResult<IReadOnlyList<string>>(_rows.Keys.Where(k => k.Table == table).Select(k => k.Key).ToArray());
        }
    }

    /// <summary>Only the holder of the reservation may change it.</summary>
    private Task Change(string table, string rowKey, string token, Func<Entry, Entry?> change)
    {
        lock (_rows)
        {
            if (_rows.TryGetValue((table, rowKey), out var entry) && entry.Token == token)
            {
                if (change(entry) is { } changed)
                {
                    _rows[(table, rowKey)] = changed;
                }
                else
                {
                    _rows.Remove((table, rowKey));
                }
            }
        }

        return Task.CompletedTask;
    }
}
