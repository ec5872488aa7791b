using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Backfill;
using Ingest.Core.Configuration;
using Ingest.Core.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Admin;

/// <summary>HubSpot reconciliation: on demand (signed), and daily for the previous business day on <c>HubSpot__ReconcileSchedule</c>.</summary>
public sealed class ReconcileFunctions(
    AdminEndpoint endpoint, IHubSpotReconciler reconciler, BusinessCalendar calendar, IOptions<LedgerOptions> ledger, TimeProvider clock, ILogger<ReconcileFunctions> logger)
{
    public const string Actor = "timer:daily-hubspot-reconcile";

    [Function("AdminReconcileHubSpot")]
    public Task<IActionResult> Reconcile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/reconcile/hubspot")] HttpRequest request, CancellationToken cancellationToken)
        => endpoint.HandleAsync<ReconcileRequest, ReconcileSummary>(request, Validator(), null,
            (body, actor, payload, ct) => reconciler.ReconcileAsync(Date(body.From), Date(body.To), body.DryRun, actor, payload, ct), cancellationToken);

    [Function("DailyHubSpotReconcile")]
    public async Task Daily([TimerTrigger("%HubSpot:ReconcileSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var (from, to) = PreviousBusinessDay(calendar.Today(clock));
        try
        {
            var summary = await reconciler.ReconcileAsync(from, to, dryRun: false, Actor, "{}"u8.ToArray(), cancellationToken);
            logger.LogInformation("Daily HubSpot reconciliation of {From}..{To}: {Emails} email(s) and {Cases} case(s) added",
                summary.From, summary.To, summary.Emails.Added, summary.Cases.Added);
        }
        catch (AdminNotFoundException notConfigured)
        {
            logger.LogInformation("Daily HubSpot reconciliation skipped: {Reason}", notConfigured.Message);
        }
    }

    /// <summary>Dates up to today, and no earlier than the ledger remembers (with a day's margin for the time zone).</summary>
    private ReconcileRequestValidator Validator()
    {
        var today = calendar.Today(clock);
        return new ReconcileRequestValidator(today, today.AddDays(1 - (int)Math.Floor(ledger.Value.Retention.TotalDays)));
    }

    /// <summary>The last weekday before today through yesterday: on a Monday, Friday to Sunday.</summary>
    internal static (DateOnly From, DateOnly To) PreviousBusinessDay(DateOnly today)
    {
        var from = today.AddDays(-1);
        while (from.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            from = from.AddDays(-1);
        }

        return (from, today.AddDays(-1));
    }

    private static DateOnly Date(string? text)
    {
        AdminFormats.TryDate(text, out var date);
        return date;
    }
}
