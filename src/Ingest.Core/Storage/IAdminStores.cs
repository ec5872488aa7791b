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

/// <summary>A lock attempt: the owner token when taken; otherwise how the run that holds the lock described itself.</summary>
public sealed record LockAttempt(string? OwnerToken, string? HeldBy)
{
    public bool Taken => OwnerToken is not null;
}

/// <summary>Per-table lease locks that serialise admin runs of one table (and recovery runs of one source).</summary>
public interface ITableLockStore
{
    /// <param name="holder">How this run describes itself to a run the lock turns away ("a backfill by X started at T").</param>
    Task<LockAttempt> TryAcquireAsync(string table, string holder, TimeSpan lease, CancellationToken cancellationToken);

    /// <returns>False when the caller no longer holds the lock.</returns>
    Task<bool> ReleaseAsync(string table, string ownerToken, CancellationToken cancellationToken);
}
