using System.Text.Json.Serialization;
using FluentValidation;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Capture;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions.Admin;

/// <summary>
/// <c>POST /api/admin/replay</c> (signed): puts poisoned deliveries back on the capture queue, all or one by
/// request id; <c>"dryRun": true</c> only lists them. Replaying is safe: the ledger counts each communication once.
/// </summary>
public sealed class ReplayFunction(AdminEndpoint endpoint, ICaptureQueue captures, AdminRun run)
{
    public const string AuditTable = "replay";

    public sealed record ReplayRequest(
        [property: JsonPropertyName("requestId")] string? RequestId,
        [property: JsonPropertyName("dryRun")] bool DryRun);

    public sealed record ReplayedDelivery(
        [property: JsonPropertyName("requestId")] string RequestId,
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt);

    public sealed record ReplaySummary(
        [property: JsonPropertyName("dryRun")] bool DryRun,
        [property: JsonPropertyName("count")] int Count,
        [property: JsonPropertyName("deliveries")] IReadOnlyList<ReplayedDelivery> Deliveries);

    [Function("AdminReplay")]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/replay")] HttpRequest request, CancellationToken cancellationToken)
        => endpoint.HandleAsync<ReplayRequest, ReplaySummary>(request, new InlineValidator<ReplayRequest>(), new ReplayRequest(null, false),
            (replay, actor, payload, ct) => run.ExecuteAsync(AuditTable, actor, payload, keepPayload: true, async () =>
            {
                var envelopes = await captures.ReplayPoisonAsync(replay.RequestId, replay.DryRun, ct);
                return new ReplaySummary(replay.DryRun, envelopes.Count, [.. envelopes.Select(e => new ReplayedDelivery(e.RequestId, e.Source, e.ReceivedAtUtc))]);
            }, s => $"{(s.DryRun ? "listed" : "replayed")} {s.Count}", ct), cancellationToken);
}
