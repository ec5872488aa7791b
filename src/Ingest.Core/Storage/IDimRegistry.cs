namespace Ingest.Core.Storage;

public enum DimRowStatus
{
    /// <summary>This caller reserved the row: it pushes it, then confirms or unreserves it.</summary>
    Reserved,

    /// <summary>The row was pushed and confirmed.</summary>
    Pushed,

    /// <summary>Another caller reserved it and its lease is live: it is being pushed.</summary>
    Pushing,

    /// <summary>A reservation whose holder died or whose push may have landed unconfirmed: only rebuilding the table is safe.</summary>
    Uncertain,
}

public sealed record DimReservation(DimRowStatus Status, string? Token);

/// <summary>
/// Which dimension rows were pushed since their table was last cleared, so none is pushed twice. A row is
/// reserved (with a lease), pushed, then confirmed; a reservation whose lease lapsed unconfirmed is uncertain.
/// </summary>
public interface IDimRegistry
{
    /// <summary>Reserves the row when nobody has; otherwise says where it stands.</summary>
    Task<DimReservation> TryReserveAsync(string table, string rowKey, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Reserves the row whatever its state (a rebuild that is about to delete and push it again); returns the token.</summary>
    Task<string> TakeOverAsync(string table, string rowKey, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The push landed: the row stays registered for good.</summary>
    Task ConfirmAsync(string table, string rowKey, string token, CancellationToken cancellationToken);

    /// <summary>The push surely stored nothing: forget the reservation, so a later request pushes the row.</summary>
    Task UnreserveAsync(string table, string rowKey, string token, CancellationToken cancellationToken);

    /// <summary>The push may have landed: mark the reservation uncertain now, without waiting for its lease.</summary>
    Task AbandonAsync(string table, string rowKey, string token, CancellationToken cancellationToken);

    /// <summary>Every registered row key of a table, whatever its state.</summary>
    Task<IReadOnlyList<string>> ListAsync(string table, CancellationToken cancellationToken);
}
