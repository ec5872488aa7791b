using FluentValidation;
using Ingest.Core.Admin;
using Ingest.Core.Backfill;
using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Admin;

/// <summary>The signed functions of DESIGN.md "Contracts: know and recover": repair from the senders' records, and see who is gated.</summary>
public sealed class RecoveryFunctions(AdminEndpoint endpoint, AlowareBackfill backfill, QuarantineReport quarantine, IOptions<AdminOptions> options)
{
    /// <summary><c>?dryRun=true</c> previews: nothing is written, and <c>added</c> says what would be.</summary>
    [Function("AdminBackfillAloware")]
    public Task<IActionResult> BackfillAloware(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/backfill/aloware")] HttpRequest request, CancellationToken cancellationToken)
    {
        var flag = request.Query["dryRun"].FirstOrDefault();
        var dryRun = false;
        if (flag is not null && !bool.TryParse(flag, out dryRun))
        {
            return Task.FromResult<IActionResult>(Problems.Create(StatusCodes.Status400BadRequest, "Invalid query", "dryRun must be true or false.", "dryRun"));
        }

        return endpoint.HandleUploadAsync(request, "text/csv", options.Value.MaxBackfillBytes,
            (csv, actor) => backfill.RunAsync(csv, dryRun, actor, cancellationToken), cancellationToken);
    }

    [Function("AdminQuarantineList")]
    public Task<IActionResult> ListQuarantine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/quarantine/list")] HttpRequest request, CancellationToken cancellationToken)
        => endpoint.HandleAsync<EmptyRequest, QuarantineListing>(request, new InlineValidator<EmptyRequest>(), EmptyRequest.Instance,
            (_, actor, payload, ct) => quarantine.ListAsync(actor, payload, ct), cancellationToken);

    /// <summary>A body of <c>{}</c>: the listing takes no parameters.</summary>
    public sealed record EmptyRequest
    {
        public static EmptyRequest Instance { get; } = new();
    }
}
