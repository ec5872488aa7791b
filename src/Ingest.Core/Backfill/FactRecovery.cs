using System.Globalization;
using Ingest.Core.Admin;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Backfill;

/// <summary>
/// Counts facts recovered from a sender's own records (an export, a CRM search) exactly as a delivery counts them:
/// through the pipeline, so the ledger keeps each communication once. A dry run makes the pipeline's decisions in
/// its order (within-run dedup, roster gate, ledger) and writes nothing.
/// </summary>
public sealed class FactRecovery(
    IngestPipeline pipeline, IRosterStore roster, ILedger ledger, ITableLockStore locks, IOptions<AdminOptions> options, TimeProvider clock, ILogger<FactRecovery> logger)
{
    /// <summary>
    /// Takes the source's recovery lock for one run: runs of one source are serialized, because a second run would meet
    /// the first one's claims and could not say whether they land.
    /// </summary>
    /// <param name="run">What the run is, in ops' words ("backfill", "reconciliation").</param>
    /// <exception cref="AdminConflictException">Another recovery run of the source holds the lock (409).</exception>
    public async Task<RecoveryLease> BeginAsync(string source, string run, string actor, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var deadline = options.Value.RecoveryDeadline;
        // The run stops at its deadline once the chunk in hand is counted: twice the deadline covers that chunk.
        var lease = deadline * 2;
        var attempt = await locks.TryAcquireAsync(LockName(source), string.Create(CultureInfo.InvariantCulture, $"a {run} by {actor} started at {started:yyyy-MM-ddTHH:mm:ssZ}"), lease, cancellationToken);
        if (!attempt.Taken)
        {
            throw new AdminConflictException("recovery_running",
                $"Another recovery run of {source} is still going ({attempt.HeldBy}); runs of one source are serialized. Send this one again when it has answered (at most {lease.TotalSeconds:0} s).");
        }

        return new RecoveryLease(source, attempt.OwnerToken!, started + deadline, locks, clock, logger);
    }

    public async Task<RecoveryRun> StartAsync(RecoveryLease lease, bool dryRun, CancellationToken cancellationToken)
        => new(pipeline, ledger, await roster.GetAsync(cancellationToken), lease, dryRun);

    public static string LockName(string source) => $"recovery#{source}";
}

/// <summary>One recovery run's hold on its source, and its deadline: a run checks <see cref="OutOfTime"/> between chunks.</summary>
public sealed class RecoveryLease(string source, string owner, DateTimeOffset stopAt, ITableLockStore locks, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    public bool OutOfTime => clock.GetUtcNow() >= stopAt;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!await locks.ReleaseAsync(FactRecovery.LockName(source), owner, CancellationToken.None))
            {
                logger.LogWarning("The recovery lock of {Source} lapsed before the run finished", source);
            }
        }
        catch (Exception e)
        {
            // The run's answer matters more than the lock, which lapses with its lease.
            logger.LogWarning(e, "Could not release the recovery lock of {Source}; it lapses with its lease", source);
        }
    }
}

/// <summary>What a recovery run says when it did not finish, in one wording for both kinds.</summary>
public static class RecoveryAnswers
{
    public static string StoppedEarly(string where, string what)
        => $"Stopped {where}: the run reached Admin__RecoveryDeadline, which keeps its answer inside the front end's 230 s. "
            + $"Send {what} to count the rest.";
}
