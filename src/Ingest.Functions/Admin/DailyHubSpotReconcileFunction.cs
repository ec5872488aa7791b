using System.Globalization;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Telemetry;
using Ingest.Core.Time;
using Ingest.Integrations.HubSpot;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Admin;

/// <summary>
/// The daily HubSpot reconciliation of the previous business day, on the schedule in <c>HubSpot__ReconcileSchedule</c>.
/// A failure is counted (<c>ingest.reconcile.failed</c>) and logged at Error for the alert "Daily reconciliation failed".
/// </summary>
public sealed class DailyHubSpotReconcileFunction(
    IHubSpotReconciler reconciler, BusinessCalendar calendar, TimeProvider clock, IngestMetrics metrics, ILogger<DailyHubSpotReconcileFunction> logger)
{
    public const string Actor = "timer:daily-hubspot-reconcile";

    [Function("DailyHubSpotReconcile")]
    public async Task Run([TimerTrigger("%HubSpot:ReconcileSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var (from, to) = BusinessCalendar.PreviousBusinessDay(calendar.Today(clock));
        try
        {
            var summary = await reconciler.ReconcileAsync(from, to, dryRun: false, Actor, "{}"u8.ToArray(), cancellationToken);
            logger.LogInformation("Daily HubSpot reconciliation of {From}..{To}: {Emails} email(s) and {Cases} case(s) added",
                summary.From, summary.To, summary.Emails.Added, summary.Cases.Added);
            if (!summary.Finished)
            {
                // Tomorrow's run covers tomorrow's previous day only: the rest of this range needs ops, as a failure does.
                logger.LogError("Daily HubSpot reconciliation of {From}..{To} did not finish: {Detail}", summary.From, summary.To, summary.Detail);
                metrics.ReconcileFailed("hubspot");
            }
        }
        catch (AdminNotFoundException notConfigured)
        {
            logger.LogInformation("Daily HubSpot reconciliation skipped: {Reason}", notConfigured.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The timer does not run again before tomorrow: the alert is what tells ops these dates wait for a rerun.
            logger.LogError(e, "Daily HubSpot reconciliation of {From}..{To} failed; run reconcile hubspot for those dates",
                from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            metrics.ReconcileFailed("hubspot");
            throw;
        }
    }
}
