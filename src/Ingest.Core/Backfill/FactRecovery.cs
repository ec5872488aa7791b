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
            else if (await ledger.PeekAsync(fact.EventKey, cancellationToken) is not null)
            {
                AlreadyCounted++;
            }
            else
            {
                Added++;
            }
        }
    }
}
