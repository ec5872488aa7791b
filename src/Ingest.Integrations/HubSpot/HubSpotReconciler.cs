using System.Globalization;
using Ingest.Core.Adapters;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Backfill;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Ingest.Core.Time;

namespace Ingest.Integrations.HubSpot;

/// <summary>
/// Finds the emails sent and the tickets closed in a range of business dates with the CRM search, and counts them as
/// their webhooks would have: each found object becomes a candidate for the same enricher (owner → agent, a ticket
/// dated by its first close), then the same gate, ledger and writer. What the webhooks counted is reported, not added.
/// </summary>
public sealed class HubSpotReconciler(
    HubSpotSearch search,
    HubSpotClient client,
    HubSpotEnricher enricher,
    HubSpotAdapter adapter,
    FactMapper mapper,
    IShiftRuleStore shifts,
    FactRecovery recovery,
    BusinessCalendar calendar,
    AdminRun run,
    TimeProvider clock) : IHubSpotReconciler
{
    public const string AuditTable = "reconcile-hubspot";

    /// <summary>Search results lag writes (HUBSPOT.md): the last minutes are left to the webhooks and the next run.</summary>
    private static readonly TimeSpan SearchLag = TimeSpan.FromMinutes(5);

    private readonly bool _countEmails = adapter.CountsEmails;

    public Task<ReconcileSummary> ReconcileAsync(DateOnly from, DateOnly to, bool dryRun, string actor, byte[] payload, CancellationToken cancellationToken)
        => run.ExecuteAsync(AuditTable, actor, payload, keepPayload: true, () => RunAsync(from, to, dryRun, actor, cancellationToken),
            s => $"{(dryRun ? "previewed" : "applied")}{(s.Finished ? "" : " in part")} {s.From}..{s.To}: emails {s.Emails.Added} added of {s.Emails.Found} found, cases {s.Cases.Added} added of {s.Cases.Found} found",
            cancellationToken);

    private async Task<ReconcileSummary> RunAsync(DateOnly from, DateOnly to, bool dryRun, string actor, CancellationToken cancellationToken)
    {
        await using var lease = await recovery.BeginAsync(HubSpotAdapter.SourceName, dryRun ? "reconciliation preview" : "reconciliation", actor, cancellationToken);
        var start = StartOf(from);
        var end = new[] { StartOf(to.AddDays(1)), clock.GetUtcNow() - SearchLag }.Min();
        var rules = await shifts.GetAsync(cancellationToken);
        var none = new ReconcileCounts(0, 0, 0, 0);

        var emails = none;
        var (emailsStopped, casesStopped) = (false, false);
        if (_countEmails && end > start)
        {
            var sent = await search.FindAsync("emails", [new("hs_email_direction", "EQ", "EMAIL")], "hs_timestamp", ["hs_timestamp"], start, end, cancellationToken);
            (emails, emailsStopped) = await CountAsync(lease, sent, o => new EnrichmentCandidate(HubSpotAdapter.SourceName, HubSpotAdapter.EmailKind, Id(o), null, Time(o, "hs_timestamp") ?? start.UtcDateTime), rules, dryRun, cancellationToken);
        }

        var cases = none;
        var closedStages = (await client.TicketPipelinesAsync(cancellationToken)).SelectMany(p => p.Stages)
            .Where(s => string.Equals(s.Metadata?.GetValueOrDefault("ticketState"), "CLOSED", StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Id).ToArray();
        if (closedStages.Length > 0 && end > start && !emailsStopped)
        {
            var closed = await search.FindAsync("tickets", [new("hs_pipeline_stage", "IN", Values: closedStages)], "closed_date", ["closed_date", "hs_pipeline_stage"], start, end, cancellationToken);
            (cases, casesStopped) = await CountAsync(lease, closed, o => new EnrichmentCandidate(HubSpotAdapter.SourceName, HubSpotAdapter.TicketKind, Id(o), o.Properties.GetValueOrDefault("hs_pipeline_stage"), Time(o, "closed_date") ?? start.UtcDateTime), rules, dryRun, cancellationToken);
        }

        var (first, last) = (from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return emailsStopped || casesStopped
            ? new ReconcileSummary(dryRun, first, last, emails, cases, Finished: false, RecoveryAnswers.StoppedEarly(emailsStopped ? "while counting emails, before the tickets were searched" : "while counting tickets", "the same range again, or its days one at a time,"))
            : new ReconcileSummary(dryRun, first, last, emails, cases);
    }

    /// <summary>Through the enricher a hundred at a time (one batch read each), then as any delivery's facts.</summary>
    private async Task<(ReconcileCounts Counts, bool Stopped)> CountAsync(
        RecoveryLease lease, IReadOnlyList<HubSpotObject> found, Func<HubSpotObject, EnrichmentCandidate> candidate, IReadOnlyList<ShiftRule> rules, bool dryRun, CancellationToken cancellationToken)
    {
        var counting = await recovery.StartAsync(lease, dryRun, cancellationToken);
        var chunks = found.Chunk(HubSpotClient.MaxBatch).ToArray();
        for (var i = 0; i < chunks.Length; i++)
        {
            var events = await enricher.EnrichAsync(chunks[i].Select(candidate).ToArray(), cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            var addedBefore = counting.Added;
            await counting.CountAsync(events.Select(e => mapper.Map(e, rules, now)).ToArray(), cancellationToken);
            // Only a chunk that added something ends a run past its deadline: the same range sent again passes what
            // is counted (claims that find it completed, no POST) and adds at least one chunk more.
            if (lease.OutOfTime && counting.Added > addedBefore && i < chunks.Length - 1)
            {
                return (ReconcileCounts.Of(found.Count, counting), Stopped: true);
            }
        }

        return (ReconcileCounts.Of(found.Count, counting), Stopped: false);
    }

    /// <summary>The instant a business date starts (a midnight the clocks skip starts an hour later).</summary>
    private DateTimeOffset StartOf(DateOnly date)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        var local = calendar.Zone.IsInvalidTime(midnight) ? midnight.AddHours(1) : midnight;
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, calendar.Zone), TimeSpan.Zero);
    }

    private static long Id(HubSpotObject o) => long.Parse(o.Id, CultureInfo.InvariantCulture);

    private static DateTime? Time(HubSpotObject o, string property) => HubSpotEnricher.ParseTime(o.Properties.GetValueOrDefault(property));
}
