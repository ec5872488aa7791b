using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;

namespace Ingest.Core.Backfill;

/// <summary>
/// Counts facts recovered from a sender's own records (an export, a CRM search) exactly as a delivery counts them:
/// through the pipeline, so the ledger keeps each communication once. A dry run makes the pipeline's decisions in
/// its order (within-run dedup, roster gate, ledger) and writes nothing.
/// </summary>
public sealed class FactRecovery(IngestPipeline pipeline, IRosterStore roster, ILedger ledger)
{
    public async Task<RecoveryRun> StartAsync(bool dryRun, CancellationToken cancellationToken)
        => new(pipeline, ledger, await roster.GetAsync(cancellationToken), dryRun);
}

/// <summary>One recovery's running counts; feed it chunks of facts.</summary>
public sealed class RecoveryRun(IngestPipeline pipeline, ILedger ledger, Roster roster, bool dryRun)
{
    private const int PeeksAtOnce = 16;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public Roster Roster => roster;

    public int AlreadyCounted { get; private set; }

    /// <summary>Facts that landed; in a dry run, those that would.</summary>
    public int Added { get; private set; }

    public int Gated { get; private set; }

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
            AlreadyCounted += outcome.Duplicates;
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
        var known = 0;
        await Parallel.ForEachAsync(looked, new ParallelOptions { MaxDegreeOfParallelism = PeeksAtOnce, CancellationToken = cancellationToken }, async (fact, ct) =>
        {
            if (await ledger.PeekAsync(fact.EventKey, ct) is not null)
            {
                Interlocked.Increment(ref known);
            }
        });
        AlreadyCounted += known;
        Added += looked.Count - known;
    }
}
