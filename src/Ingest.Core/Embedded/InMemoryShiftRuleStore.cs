using Ingest.Core.Storage;
using Ingest.Core.Time;

namespace Ingest.Core.Embedded;

public sealed class InMemoryShiftRuleStore : IShiftRuleStore
{
    private volatile IReadOnlyList<ShiftRule> _rules = [];

    public Task<IReadOnlyList<ShiftRule>> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_rules);

    public Task ReplaceAsync(IReadOnlyList<ShiftRule> rules, CancellationToken cancellationToken)
    {
        _rules = rules.OrderBy(r => r.SortOrder).ToArray();
        return Task.CompletedTask;
    }
}
