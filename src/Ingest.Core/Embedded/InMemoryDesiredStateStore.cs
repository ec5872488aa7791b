using Ingest.Core.Storage;

namespace Ingest.Core.Embedded;

public sealed class InMemoryDesiredStateStore : IDesiredStateStore
{
    private readonly Dictionary<(string Table, string Scope), DesiredState> _states = [];

    public Task<bool> TryPutAsync(string table, DesiredState state, CancellationToken cancellationToken)
    {
        lock (_states)
        {
            if (_states.TryGetValue((table, state.Scope), out var stored) && stored.Version > state.Version)
            {
                return Task.FromResult(false);
            }

            _states[(table, state.Scope)] = state;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<DesiredState>> ListAsync(string table, CancellationToken cancellationToken)
    {
        lock (_states)
        {
            return Task.FromResult<IReadOnlyList<DesiredState>>(
                _states.Where(s => s.Key.Table == table).Select(s => s.Value).OrderBy(s => s.Scope, StringComparer.Ordinal).ToArray());
        }
    }
}
