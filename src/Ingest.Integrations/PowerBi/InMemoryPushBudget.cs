namespace Ingest.Integrations.PowerBi;

/// <summary>The push budget of one process: the embedded default, for a single instance (the local host).</summary>
public sealed class InMemoryPushBudget : IPushBudget
{
    private readonly Dictionary<(string, DateTimeOffset), long> _taken = [];
    private readonly Dictionary<string, long> _totals = [];
    private readonly Dictionary<(string Pool, int Slot), (string Token, DateTimeOffset LeaseExpiresAt)> _slots = [];

    public Task<string?> TryTakeSlotAsync(string pool, int slots, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_slots)
        {
            for (var slot = 0; slot < slots; slot++)
            {
                if (!_slots.TryGetValue((pool, slot), out var held) || held.LeaseExpiresAt <= now)
                {
                    var token = PushSlots.Token(slot);
                    _slots[(pool, slot)] = (token, now + lease);
                    return Task.FromResult<string?>(token);
                }
            }

            return Task.FromResult<string?>(null);
        }
    }

    public Task ReleaseSlotAsync(string pool, string slotToken, CancellationToken cancellationToken)
    {
        lock (_slots)
        {
            var key = (pool, PushSlots.SlotOf(slotToken));
            if (_slots.TryGetValue(key, out var held) && held.Token == slotToken)
            {
                _slots.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    public Task<long> CountAsync(string counter, long amount, CancellationToken cancellationToken)
    {
        lock (_totals)
        {
            _totals[counter] = _totals.GetValueOrDefault(counter) + amount;
            return Task.FromResult(_totals[counter]);
        }
    }

    public Task ResetCountAsync(string counter, CancellationToken cancellationToken)
    {
        lock (_totals)
        {
            _totals.Remove(counter);
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryTakeAsync(string budget, DateTimeOffset windowStart, TimeSpan window, long limit, long amount, CancellationToken cancellationToken)
    {
        lock (_taken)
        {
            _taken.TryGetValue((budget, windowStart), out var used);
            if (used + amount > limit)
            {
                return Task.FromResult(false);
            }

            _taken[(budget, windowStart)] = used + amount;
            foreach (var stale in _taken.Keys.Where(k => k.Item1 == budget && k.Item2 < windowStart).ToArray())
            {
                _taken.Remove(stale);
            }

            return Task.FromResult(true);
        }
    }
}
