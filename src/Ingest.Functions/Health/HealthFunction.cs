using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions.Health;

/// <summary>
/// <c>GET /api/health</c>: each dependency's reachability, the FactEvent writer's state, no secrets; cached for
/// a few seconds. 200 while deliveries can be accepted (status ok or degraded), 503 when the capture store is down.
/// </summary>
public sealed class HealthFunction(HealthReporter reporter)
{
    [Function("Health")]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        var report = await reporter.ReportAsync(request.HttpContext.RequestAborted);
        var writer = report.Writer;
        var body = new
        {
            status = report.Status,
            checkedAt = report.CheckedAt,
            dependencies = report.Dependencies.ToDictionary(d => d.Name, d => new { reachable = d.Reachable, latencyMs = d.LatencyMs, error = d.Error }),
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
        };
        return new ObjectResult(body) { StatusCode = report.CanAccept ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable };
    }
}
