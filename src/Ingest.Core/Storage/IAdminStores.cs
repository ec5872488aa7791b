namespace Ingest.Core.Storage;

/// <summary>The last version applied per admin table and scope (DimMetric: per month), so a stale run is refused.</summary>
public interface IAdminVersionStore
{
    Task<long?> GetAsync(string table, string scope, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="version"/> only if it is above the stored one; false otherwise.</summary>
    Task<bool> TryAdvanceAsync(string table, string scope, long version, CancellationToken cancellationToken);
}

/// <summary>One admin request as audited: who, when, what (the payload and its hash), and how it ended.</summary>
public sealed record AuditEntry(
    string Table,
    string Actor,
    DateTimeOffset At,
    string PayloadSha256,
    byte[] Payload,
    string Outcome);

/// <summary>The admin audit log. Payloads too large for one record are compressed, or refused with a clear error.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The newest entries of a table, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(string table, int max, CancellationToken cancellationToken);
}

/// <summary>Single-use admin nonces, remembered for the signature tolerance.</summary>
public interface INonceStore
{
    /// <summary>True the first time a nonce is seen within <paramref name="lifetime"/>; false for a replay.</summary>
    Task<bool> TryUseAsync(string nonce, TimeSpan lifetime, CancellationToken cancellationToken);
}

/// <summary>Per-table lease locks that serialise admin runs of one table.</summary>
public interface ITableLockStore
{
    /// <returns>The owner token, or null while another run holds a live lock.</returns>
    Task<string?> TryAcquireAsync(string table, TimeSpan lease, CancellationToken cancellationToken);

    /// <returns>False when the caller no longer holds the lock.</returns>
    Task<bool> ReleaseAsync(string table, string ownerToken, CancellationToken cancellationToken);
}

/// <summary>A shared budget per dataset and window, so several instances together stay within a push limit.</summary>
public interface IPushBudget
{
    /// <summary>Takes <paramref name="amount"/> from the window's budget of <paramref name="limit"/>; false when it would exceed it.</summary>
    Task<bool> TryTakeAsync(string budget, DateTimeOffset windowStart, TimeSpan window, long limit, long amount, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="amount"/> (0 to read) to a running total that outlives the process; returns the new total.</summary>
    Task<long> CountAsync(string counter, long amount, CancellationToken cancellationToken);

    /// <summary>Sets a running total back to zero (the table it counts was cleared).</summary>
    Task ResetCountAsync(string counter, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one of <paramref name="slots"/> slots of a pool shared by every instance (requests in flight), held until
    /// released or until <paramref name="lease"/> from <paramref name="now"/> lapses (its holder died).
    /// </summary>
    /// <returns>The slot's token, to release it; null while every slot is held.</returns>
    Task<string?> TryTakeSlotAsync(string pool, int slots, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives a slot back; nothing happens when its lease lapsed and another holder took it.</summary>
    Task ReleaseSlotAsync(string pool, string slotToken, CancellationToken cancellationToken);
}
