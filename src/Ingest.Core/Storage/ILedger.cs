namespace Ingest.Core.Storage;

public enum ClaimStatus
{
    /// <summary>This caller owns the key until its lease lapses; it must complete or release it.</summary>
    Acquired,

    /// <summary>The communication already counted.</summary>
    AlreadyCompleted,

    /// <summary>Another worker holds a live lease on the key.</summary>
    InProgress,
}

/// <summary>The outcome of a claim. On a conflict, <see cref="ExistingFingerprint"/> is what the first delivery recorded.</summary>
public sealed record LedgerClaim(ClaimStatus Status, string? OwnerToken, string? ExistingFingerprint);

/// <summary>
/// The two-phase idempotency ledger (docs/contracts.md, I4). Claim is a conditional put that succeeds when the
/// key is absent, expired, or held by a lapsed in-progress lease. Complete and release succeed only with
/// the owner token, so a worker whose lease was taken over cannot touch the new owner's record.
/// </summary>
public interface ILedger
{
    /// <param name="fingerprint">The countable content (agent, date), kept to report a repeat that disagrees.</param>
    Task<LedgerClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken);

    /// <returns>False when the caller no longer owns the key (its lease lapsed and was taken over).</returns>
    Task<bool> CompleteAsync(string key, string ownerToken, CancellationToken cancellationToken);

    /// <returns>False when the caller no longer owns the key.</returns>
    Task<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken);

    /// <summary>What a claim of the key would find now, without claiming: null when it would be acquired.</summary>
    Task<ClaimStatus?> PeekAsync(string key, CancellationToken cancellationToken);
}
