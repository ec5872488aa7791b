using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Configuration;
using Ingest.Core.Time;
using Ingest.Integrations.HubSpot;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Admin;

/// <summary><c>POST /api/admin/reconcile/hubspot</c> (signed): what HubSpot's webhooks never delivered, from its CRM search.</summary>
public sealed class ReconcileFunction(AdminEndpoint endpoint, IHubSpotReconciler reconciler, BusinessCalendar calendar, IOptions<LedgerOptions> ledger, TimeProvider clock)
{
    [Function("AdminReconcileHubSpot")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/reconcile/hubspot")] HttpRequest request, CancellationToken cancellationToken)
    {
        using var untilTheCallerLeaves = AdminEndpoint.UntilTheCallerLeaves(request, cancellationToken);
        return await endpoint.HandleAsync<ReconcileRequest, ReconcileSummary>(request, Validator(), null,
            (body, actor, payload, ct) => reconciler.ReconcileAsync(Date(body.From), Date(body.To), body.DryRun, actor, payload, ct), untilTheCallerLeaves.Token);
    }

    /// <summary>Dates up to today, and no earlier than the ledger remembers (with a day's margin for the time zone).</summary>
    private ReconcileRequestValidator Validator()
    {
        var today = calendar.Today(clock);
        return new ReconcileRequestValidator(today, today.AddDays(1 - (int)Math.Floor(ledger.Value.Retention.TotalDays)));
    }

    private static DateOnly Date(string? text)
    {
        AdminFormats.TryDate(text, out var date);
        return date;
    }
}
