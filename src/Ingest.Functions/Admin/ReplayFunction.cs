using System.Text.Json;
using System.Text.Json.Serialization;
using Ingest.Core.Capture;
using Ingest.Core.Storage;
using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Admin;

/// <summary>
/// <c>POST /api/admin/replay</c> (signed): puts poisoned deliveries back on the capture queue, all or one by
/// request id; <c>"dryRun": true</c> only lists them. Replaying is safe: the ledger counts each communication once.
/// </summary>
public sealed class ReplayFunction(AdminHttp admin, ICaptureQueue captures, IAuditLog audit, TimeProvider clock, ILogger<ReplayFunction> logger)
{
    public sealed record ReplayRequest(
        [property: JsonPropertyName("requestId")] string? RequestId,
        [property: JsonPropertyName("dryRun")] bool DryRun);

    [Function("AdminReplay")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/replay")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, actor, refusal) = await admin.AuthenticateAsync(request, cancellationToken);
        if (refusal is not null)
        {
            logger.LogWarning("Refused an admin replay: {Reason}", ((refusal as ObjectResult)?.Value as ProblemDetails)?.Extensions["reason"]);
            return refusal;
        }

        ReplayRequest? replay;
        try
        {
            replay = body.Length == 0 ? new ReplayRequest(null, false) : JsonSerializer.Deserialize<ReplayRequest>(body);
        }
        catch (JsonException e)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", e.Message, "body");
        }

        var envelopes = await captures.ReplayPoisonAsync(replay?.RequestId, replay?.DryRun ?? false, cancellationToken);
        var outcome = replay?.DryRun == true ? "listed" : "replayed";
        await audit.AppendAsync(new AuditEntry("replay", actor!, clock.GetUtcNow(), AuditPayload.Sha256(body), body, $"{outcome} {envelopes.Count}"), cancellationToken);
        logger.LogInformation("Admin {Actor} {Outcome} {Count} poisoned deliveries", actor, outcome, envelopes.Count);
        return new OkObjectResult(new
        {
            dryRun = replay?.DryRun ?? false,
            count = envelopes.Count,
            deliveries = envelopes.Select(e => new { requestId = e.RequestId, source = e.Source, receivedAt = e.ReceivedAtUtc }),
        });
    }
}
