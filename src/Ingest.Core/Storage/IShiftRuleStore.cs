using Ingest.Core.Time;

namespace Ingest.Core.Storage;

/// <summary>The shift rules both ingest (ShiftID) and the DimShift sync read, so they never disagree.</summary>
public interface IShiftRuleStore
{
    /// <summary>The rules in sort order.</summary>
    Task<IReadOnlyList<ShiftRule>> GetAsync(CancellationToken cancellationToken);

    Task ReplaceAsync(IReadOnlyList<ShiftRule> rules, CancellationToken cancellationToken);
}
