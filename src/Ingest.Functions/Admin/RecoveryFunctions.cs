using FluentValidation;
using Ingest.Core.Admin;
using Ingest.Integrations.Aloware;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Admin;

/// <summary>The signed functions of docs/contracts.md, "Recovery": repair from the senders' records, and see who is gated.</summary>
public sealed class RecoveryFunctions(AdminEndpoint endpoint, AlowareBackfill backfill, QuarantineReport quarantine, IOptions<AdminOptions> options)
{
    /// <summary>
    /// <c>?dryRun=true</c> previews: nothing is written, and <c>added</c> says what would be. <c>?afterLine=N</c> counts only
    /// the lines after N: where a run that reached its deadline stopped.
    /// </summary>
    [Function("AdminBackfillAloware")]
    public async Task<IActionResult> BackfillAloware(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/backfill/aloware")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (query, problem) = BackfillQuery.Read(request.Query);
        if (query is null)
        {
            return problem!;
        }

        using var untilTheCallerLeaves = AdminEndpoint.UntilTheCallerLeaves(request, cancellationToken);
        var stop = untilTheCallerLeaves.Token;
        return await endpoint.HandleUploadAsync(request, "text/csv", options.Value.MaxBackfillBytes, (csv, actor) => backfill.RunAsync(csv, query.DryRun, query.AfterLine, actor, stop), stop);
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
