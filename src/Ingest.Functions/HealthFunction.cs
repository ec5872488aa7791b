using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions;

/// <summary><c>GET /api/health</c>: the worker is up and its settings validated. Dependency checks come with telemetry.</summary>
public sealed class HealthFunction(TimeProvider clock)
{
    [Function("Health")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
        => new OkObjectResult(new { status = "ok", time = clock.GetUtcNow() });
}
