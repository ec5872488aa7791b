using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Ingest.Core.Pipeline;

/// <summary>
/// The ingest orchestrator: adapter → within-batch dedup → roster gate → ensure dims → ledger claim →
/// post facts → ledger complete. <see cref="Classify"/> does no I/O, so the caller can answer ignored and
/// malformed deliveries at once and capture the rest before <see cref="ProcessAsync"/> touches anything.
/// Processing is safe to repeat: the ledger makes a redelivered envelope count once.
/// </summary>
public sealed class IngestPipeline(
    IEnumerable<IWebhookSource> sources,
    FactMapper mapper,
    RosterGate gate,
    LedgerStep ledger,
    DimensionEnsurer dimensions,
    IShiftRuleStore shifts,
    IFactSink sink,
    TimeProvider clock,
    IngestMetrics metrics,
    ILogger<IngestPipeline> logger)
{
    private readonly Dictionary<string, IWebhookSource> _sources =
        sources.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    public AdapterResult Classify(IngestEnvelope envelope)
    {
        var result = _sources[envelope.Source].Classify(envelope);
        if (result.Verdict == AdapterVerdict.Ignored)
        {
            // The request's one summary line says it was ignored; the reason is detail, unless the event is new to us.
            var level = result.Unrecognised ? LogLevel.Warning : LogLevel.Debug;
            logger.Log(level, "Ignored {Event} delivery {CommunicationId}: {Reason}", result.EventName, result.CommunicationId, result.Reason);
        }

        return result;
    }

    /// <summary>
    /// Runs the countable events of a classified delivery through to FactEvent: the step the webhook (after capture)
    /// and both redrives share. A delivery that is not countable is settled as ignored, with nothing written.
    /// </summary>
    /// <exception cref="Exception">Any downstream fault: the delivery stays captured and is retried later.</exception>
    public async Task<IngestOutcome> ProcessAsync(AdapterResult classified, CancellationToken cancellationToken)
    {
        if (classified.Verdict != AdapterVerdict.Countable)
        {
            return IngestOutcome.IgnoredDelivery;
        }

        var events = classified.Events;
        foreach (var fromOneSource in classified.Candidates.GroupBy(c => c.Source))
        {
            var enricher = _sources[fromOneSource.Key].Enricher ?? throw new InvalidOperationException($"Source {fromOneSource.Key} made candidates but has no enricher.");
            events = [.. events, .. await enricher.EnrichAsync(fromOneSource.ToArray(), cancellationToken)];
        }

        var rules = await shifts.GetAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = events.Select(e => mapper.Map(e, rules, now)).ToArray();
        return await ProcessRowsAsync(rows, cancellationToken);
    }

    /// <summary>Counts mapped facts once: the path of a delivery after mapping, and of quarantined facts replayed.</summary>
    /// <exception cref="Exception">Any downstream fault; claims taken are released, so running again is safe.</exception>
    public async Task<IngestOutcome> ProcessRowsAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        var (unique, batchDuplicates) = BatchDeduplicator.Deduplicate(rows);
        var (allowed, gated) = await gate.ApplyAsync(unique, cancellationToken);
        // Before the claims: however long DimDate takes (a rebuild, the sink's limits), no claim waits on it.
        await dimensions.EnsureAsync(DimHints.From(allowed), cancellationToken);
        var (claimed, ledgerDuplicates, heldElsewhere) = await ledger.ClaimAsync(allowed, cancellationToken);
        var duplicates = batchDuplicates + ledgerDuplicates + heldElsewhere;
        if (claimed.Count == 0)
        {
            return Counted(new IngestOutcome(IngestStatus.Processed, 0, duplicates, gated.Count, 0, heldElsewhere), [], gated);
        }

        var facts = claimed.Select(c => c.Row).ToArray();
        try
        {
            await sink.PostAsync(facts, cancellationToken);
        }
        catch
        {
            await ledger.ReleaseAsync(claimed, CancellationToken.None);
            throw;
        }

        // The rows landed: completing must not be cancelled half-way by a caller who went away.
        await ledger.CompleteAsync(claimed, CancellationToken.None);
        return Counted(new IngestOutcome(IngestStatus.Processed, facts.Length, duplicates, gated.Count, 0, heldElsewhere), facts, gated);
    }

    private IngestOutcome Counted(IngestOutcome outcome, IReadOnlyList<FactEventRow> landed, IReadOnlyList<FactEventRow> gated)
    {
        metrics.Counted(outcome, landed, gated);
        return outcome;
    }
}
