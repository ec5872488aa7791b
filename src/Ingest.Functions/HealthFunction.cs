using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions;

/// <summary><c>GET /api/health</c>: the worker is up, its settings validated, and the FactEvent writer's counters (no secrets).</summary>
public sealed class HealthFunction(IFactSink sink, TimeProvider clock)
{
    [Function("Health")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        var writer = (sink as CoalescingFactWriter)?.Stats();
        return new OkObjectResult(new
        {
            status = writer is { CircuitOpen: true } ? "degraded" : "ok",
            time = clock.GetUtcNow(),
            writer = writer is null ? null : new
            {
                posts = writer.Posts,
                rows = writer.Rows,
                rowsPerPost = Math.Round(writer.RowsPerPost, 1),
                throttled = writer.Throttled,
                retries = writer.Retries,
                rejectedRows = writer.RejectedRows,
                failedBatches = writer.FailedBatches,
                queuedRows = writer.QueuedRows,
                circuitOpen = writer.CircuitOpen,
                lastFlushLatencyMs = writer.LastFlushLatency.TotalMilliseconds,
                maxFlushLatencyMs = writer.MaxFlushLatency.TotalMilliseconds,
            },
        });
    }
}
