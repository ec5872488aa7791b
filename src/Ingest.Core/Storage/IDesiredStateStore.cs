namespace Ingest.Core.Storage;

/// <summary>One stored piece of what ops asked an admin table to hold (DimMetric: one month; DimDate: the range).</summary>
public sealed record DesiredState(string Scope, long Version, string Document);

/// <summary>
/// What each admin table should hold, stored before the table is touched, so a run that failed between
/// deleting and adding rows is repaired by running again.
/// </summary>
public interface IDesiredStateStore
{
    /// <summary>Stores the document unless a higher version of the same scope is stored; false when stale.</summary>
    Task<bool> TryPutAsync(string table, DesiredState state, CancellationToken cancellationToken);

    /// <summary>Every scope stored for the table, in scope order.</summary>
    Task<IReadOnlyList<DesiredState>> ListAsync(string table, CancellationToken cancellationToken);
}
