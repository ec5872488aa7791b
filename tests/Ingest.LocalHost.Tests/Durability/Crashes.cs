using System.Collections.Concurrent;
using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.LocalHost.Tests.Durability;

public enum CrashPoint
{
    AfterCapture,
    AfterClaim,
    AfterPost,
    AfterComplete,
}

/// <summary>
/// Simulates a worker dying at a point of the pipeline: the first time each fact reaches that point, the work
/// stops there for good (no cleanup runs, no answer is sent). Later attempts, by the redrive, pass.
/// </summary>
public sealed class Crashes(CrashPoint point)
{
    private readonly ConcurrentDictionary<string, byte> _crashed = new();

    public CrashPoint Point => point;

    public int Count => _crashed.Count;

    public async Task AtAsync(CrashPoint reached, string key)
    {
        if (reached == point && _crashed.TryAdd(key, 0))
        {
            await new TaskCompletionSource().Task; // never completes, whatever the caller's cancellation says
        }
    }
}

public sealed class CrashingLedger(ILedger inner, Crashes crashes) : ILedger
{
    public async Task<LedgerClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        await crashes.AtAsync(CrashPoint.AfterCapture, key);
        var claim = await inner.ClaimAsync(key, fingerprint, cancellationToken);
        if (claim.Status == ClaimStatus.Acquired)
        {
            await crashes.AtAsync(CrashPoint.AfterClaim, key);
        }

        return claim;
    }

    public async Task<bool> CompleteAsync(string key, string ownerToken, CancellationToken cancellationToken)
    {
        var completed = await inner.CompleteAsync(key, ownerToken, cancellationToken);
        await crashes.AtAsync(CrashPoint.AfterComplete, key);
        return completed;
    }

    public Task<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) => inner.ReleaseAsync(key, ownerToken, cancellationToken);
}

public sealed class CrashingSink(IFactSink inner, Crashes crashes) : IFactSink
{
    public async Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        await inner.PostAsync(rows, cancellationToken);
        foreach (var row in rows)
        {
            await crashes.AtAsync(CrashPoint.AfterPost, row.EventKey);
        }
    }
}
