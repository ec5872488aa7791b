using Ingest.Core.Admin.Dimensions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions.Admin;

/// <summary>The signed clear-and-repopulate functions (docs/contracts.md, "Admin bodies"); each answers an <see cref="AdminSummary"/>.</summary>
public sealed class DimensionFunctions(AdminEndpoint endpoint, DimAgentSync agents, DimMetricSync metrics, DimMetricRollback rollback, DimDateSeed dates, DimShiftSync shifts)
{
    [Function("AdminDimAgentSync")]
    public Task<IActionResult> SyncAgents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/dimagent/sync")] HttpRequest request, CancellationToken cancellationToken)
        => endpoint.HandleAsync(request, new DimAgentSyncValidator(), new DimAgentSyncRequest(null), agents.SyncAsync, cancellationToken);

    [Function("AdminDimMetricSync")]
    public Task<IActionResult> SyncMetrics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/dimmetric/sync")] HttpRequest request, CancellationToken cancellationToken)
        => endpoint.HandleAsync(request, new DimMetricSyncValidator(), null, metrics.SyncAsync, cancellationToken);

    /// <summary>Applies an earlier version's goals again as a new version; 404 for a version never applied.</summary>
    [Function("AdminDimMetricRollback")]
    public Task<IActionResult> RollBackMetrics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/dimmetric/rollback")] HttpRequest request, CancellationToken cancellationToken)
        => endpoint.HandleAsync(request, new DimMetricRollbackValidator(), null, rollback.RollBackAsync, cancellationToken);

    [Function("AdminDimDateSeed")]
    public Task<IActionResult> SeedDates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/dimdate/seed")] HttpRequest request, CancellationToken cancellationToken)
        => endpoint.HandleAsync(request, new DimDateSeedValidator(), new DimDateSeedRequest(null, null), dates.SeedAsync, cancellationToken);

    [Function("AdminDimShiftSync")]
    public Task<IActionResult> SyncShifts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/dimshift/sync")] HttpRequest request, CancellationToken cancellationToken)
        => endpoint.HandleAsync(request, new DimShiftSyncValidator(), null, shifts.SyncAsync, cancellationToken);
}
