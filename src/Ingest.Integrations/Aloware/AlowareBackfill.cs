using Ingest.Core.Adapters;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Backfill;
using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Ingest.Core.Time;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Aloware;

/// <summary>
/// Counts what Aloware's CSV export holds and the webhooks never delivered. Each countable line becomes the fact the
/// webhook makes for that communication and goes through the same gate, dimensions, ledger and writer, in chunks,
/// so a communication already counted is reported and never added again, and a second identical run adds nothing.
/// </summary>
public sealed class AlowareBackfill(
    FactRecovery recovery,
    FactMapper mapper,
    IShiftRuleStore shifts,
    AlowareAdapter adapter,
    IOptions<AlowareExportOptions> export,
    IOptions<BusinessTimeOptions> businessTime,
    IOptions<LedgerOptions> ledgerOptions,
    AdminRun run,
    TimeProvider clock)
{
    public const string AuditTable = "backfill-aloware";

    /// <summary>Lines counted per pass through the pipeline: large enough to fill POSTs, small enough to bound memory.</summary>
    internal const int ChunkSize = 500;

    private readonly bool _countEmails = adapter.CountsEmails;

    /// <param name="dryRun">Read, gate and look the ledger up, but write nothing; <c>added</c> says what would be.</param>
    /// <param name="afterLine">Lines up to this one are skipped: a run that reached its deadline said where it stopped (0: none).</param>
    /// <exception cref="ExportFormatException">The header lacks a required column: nothing was counted.</exception>
    public Task<BackfillSummary> RunAsync(byte[] csv, bool dryRun, int afterLine, string actor, CancellationToken cancellationToken)
        => run.ExecuteAsync(AuditTable, actor, csv, keepPayload: false,
            () => CountAsync(csv, dryRun, afterLine, actor, cancellationToken),
            s => $"{(dryRun ? "previewed" : "applied")}{(s.Finished ? "" : " in part")}: {s.Rows} row(s), {s.Added} added, {s.AlreadyCounted} already counted, {s.InProgress} in progress, {s.Gated} gated, {s.Errors.Count} error(s)",
            cancellationToken);

    private async Task<BackfillSummary> CountAsync(byte[] csv, bool dryRun, int afterLine, string actor, CancellationToken cancellationToken)
    {
        await using var lease = await recovery.BeginAsync(AlowareAdapter.SourceName, dryRun ? "backfill preview" : "backfill", actor, cancellationToken);
        var exportZone = export.Value.ExportTimeZone;
        var zone = BusinessCalendar.ForZoneId(string.IsNullOrWhiteSpace(exportZone) ? businessTime.Value.TimeZone : exportZone).Zone;
        var reader = new AlowareExportReader(zone, _countEmails);
        var counting = await recovery.StartAsync(lease, dryRun, cancellationToken);
        var byName = counting.Roster.Agents.GroupBy(a => a.Name.Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(a => a.AgentID).Distinct().ToArray(), StringComparer.OrdinalIgnoreCase);
        var rules = await shifts.GetAsync(cancellationToken);
        var now = clock.GetUtcNow();
        // Older than this, the ledger may have forgotten a fact the webhook counted: adding it could count it twice.
        var remembered = now - ledgerOptions.Value.Retention;

        var tally = new BackfillTally();
        var chunk = new List<FactEventRow>(ChunkSize);
        foreach (var row in reader.Read(new MemoryStream(csv, writable: false)).SkipWhile(r => r.Line <= afterLine))
        {
            tally.Rows++;
            if (row.Kind != ExportRowKind.Countable)
            {
                tally.Note(row);
                continue;
            }

            var communication = row.Communication!;
            if (communication.StartedAtUtc < remembered.UtcDateTime)
            {
                tally.Error(row.Line, $"started before {remembered:yyyy-MM-dd}, beyond the ledger's memory (Ledger__Retention): whether the webhook counted it cannot be known");
                continue;
            }

            tally.Countable++;
            if (AgentOf(communication, byName) is not { } agent)
            {
                tally.Unmatched.Add(communication.UserName!);
                continue;
            }

            chunk.Add(mapper.Map(new CountableEvent(
                AlowareAdapter.SourceName, communication.Metric, communication.Id, agent, communication.Direction,
                communication.Disposition, communication.StartedAtUtc, communication.DurationSec, communication.TalkTimeSec), rules, now.UtcDateTime));
            if (chunk.Count == ChunkSize)
            {
                await counting.CountAsync(chunk.ToArray(), cancellationToken);
                chunk.Clear();
                if (counting.OutOfTime)
                {
                    tally.StoppedAfterLine = row.Line;
                    break;
                }
            }
        }

        await counting.CountAsync(chunk, cancellationToken);
        return tally.Summary(dryRun, counting);
    }

    /// <summary>The user id when the line has one; else the one agent of that name on the roster, or none.</summary>
    private static long? AgentOf(ExportCommunication communication, Dictionary<string, long[]> byName)
        => communication.UserId ?? (byName.TryGetValue(communication.UserName!, out var ids) && ids.Length == 1 ? ids[0] : null);
}
