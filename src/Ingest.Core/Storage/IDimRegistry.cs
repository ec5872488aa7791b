namespace Ingest.Core.Storage;

/// <summary>Which dimension rows were pushed since their table was last cleared, so none is pushed twice.</summary>
public interface IDimRegistry
{
    /// <summary>Atomically marks the row as pushed; false when it already was (or another request is pushing it).</summary>
    Task<bool> TryReserveAsync(string table, string rowKey, CancellationToken cancellationToken);

    /// <summary>Undoes a reservation whose push failed, so a later request pushes it.</summary>
    Task UnreserveAsync(string table, string rowKey, CancellationToken cancellationToken);

    /// <summary>Forgets every row of a table, after the table itself was cleared.</summary>
    Task ClearAsync(string table, CancellationToken cancellationToken);
}
