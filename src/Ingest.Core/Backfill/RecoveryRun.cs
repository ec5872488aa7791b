using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;

namespace Ingest.Core.Backfill;

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
