using System.Globalization;
using Ingest.Core.Admin;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Domain;
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

/// <summary>One recovery's running counts; feed it chunks of facts.</summary>
public sealed class RecoveryRun(IngestPipeline pipeline, ILedger ledger, Roster roster, RecoveryLease lease, bool dryRun)
{
    private const int PeeksAtOnce = 16;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public Roster Roster => roster;

    /// <summary>Facts the ledger holds as completed (or repeated within this run): counted before, never by this run.</summary>
    public int AlreadyCounted { get; private set; }

    /// <summary>Facts that landed; in a dry run, those that would.</summary>
    public int Added { get; private set; }

    public int Gated { get; private set; }

    /// <summary>Facts whose ledger claim another worker still holds: not known to have landed, so never reported as counted.</summary>
    public int InProgress { get; private set; }

    /// <summary>Past the deadline: the caller stops before its next chunk and says the run did not finish.</summary>
    public bool OutOfTime => lease.OutOfTime;

    /// <exception cref="Exception">A downstream fault: the claims taken are released, so running again is safe.</exception>
    public async Task CountAsync(IReadOnlyList<FactEventRow> facts, CancellationToken cancellationToken)
    {
        if (facts.Count == 0)
        {
            return;
        }

        if (!dryRun)
        {
            var outcome = await pipeline.ProcessRowsAsync(facts, cancellationToken);
            Added += outcome.Facts;
            AlreadyCounted += outcome.Duplicates - outcome.HeldElsewhere;
            InProgress += outcome.HeldElsewhere;
            Gated += outcome.Gated;
            return;
        }

        var looked = new List<FactEventRow>(facts.Count);
        foreach (var fact in facts)
        {
            if (!_seen.Add(fact.EventKey))
            {
                AlreadyCounted++;
            }
            else if (!roster.IsActive(fact.AgentID))
            {
                Gated++;
            }
            else
            {
                looked.Add(fact);
            }
        }

        // A busy month is ~100k lines: the lookups run side by side, as the pipeline's claims do.
        var completed = 0;
        var held = 0;
        await Parallel.ForEachAsync(looked, new ParallelOptions { MaxDegreeOfParallelism = PeeksAtOnce, CancellationToken = cancellationToken }, async (fact, ct) =>
        {
            switch (await ledger.PeekAsync(fact.EventKey, ct))
            {
                case ClaimStatus.AlreadyCompleted:
                    Interlocked.Increment(ref completed);
                    break;
                case ClaimStatus.InProgress:
                    Interlocked.Increment(ref held);
                    break;
            }
        });
        AlreadyCounted += completed;
        InProgress += held;
        Added += looked.Count - completed - held;
    }
}

/// <summary>What a recovery run says when it did not finish, in one wording for both kinds.</summary>
public static class RecoveryAnswers
{
    public static string StoppedEarly(string where, string what)
        => $"Stopped {where}: the run reached Admin__RecoveryDeadline, which keeps its answer inside the front end's 230 s. "
            + $"Send {what} to count the rest.";
}
