using System.Text.Json;
using FluentValidation;
using Ingest.Core.Adapters;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Storage;
using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Ingest.Functions.Admin;

/// <summary>
/// What every admin sync function does around its service: authenticate the signed request, read and validate
/// the body (every field error at once), run, and answer the summary or a problem+json saying what to do.
/// </summary>
public sealed class AdminEndpoint(AdminHttp admin, ILogger<AdminEndpoint> logger)
{
    public delegate Task<TResult> Run<in TBody, TResult>(TBody body, string actor, byte[] payload, CancellationToken cancellationToken);

    /// <param name="whenEmpty">The body an empty request means, or null when a body is required.</param>
    public Task<IActionResult> HandleAsync<TBody>(HttpRequest request, IValidator<TBody> validator, TBody? whenEmpty, Run<TBody, AdminSummary> run, CancellationToken cancellationToken)
        where TBody : class
        => HandleAsync<TBody, AdminSummary>(request, validator, whenEmpty, run, cancellationToken);

    /// <param name="whenEmpty">The body an empty request means, or null when a body is required.</param>
    public async Task<IActionResult> HandleAsync<TBody, TResult>(HttpRequest request, IValidator<TBody> validator, TBody? whenEmpty, Run<TBody, TResult> run, CancellationToken cancellationToken)
        where TBody : class
    {
        var (payload, actor, refusal) = await admin.AuthenticateAsync(request, cancellationToken);
        if (refusal is not null)
        {
            return Refused(request, refusal);
        }

        var (body, problem) = await ReadBodyAsync(payload, validator, whenEmpty, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return await AnswerAsync(request, () => run(body!, actor!, payload, cancellationToken));
    }

    /// <summary>
    /// An admin request whose body is a file, not JSON (an export): the credential's headers and then the media type
    /// are checked before anything is read, the body is read up to <paramref name="maxBytes"/> and its signature
    /// verified, then <paramref name="run"/> answers.
    /// </summary>
    public async Task<IActionResult> HandleUploadAsync<TResult>(
        HttpRequest request, string mediaType, long maxBytes, Func<byte[], string, Task<TResult>> run, CancellationToken cancellationToken)
    {
        IActionResult? WrongMediaType()
            => MediaTypeHeaderValue.TryParse(request.ContentType, out var sent) && string.Equals(sent.MediaType.Value, mediaType, StringComparison.OrdinalIgnoreCase)
                ? null
                : Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"Send the file as Content-Type: {mediaType}.", "Content-Type", reason: "unsupported_media_type");

        var (payload, actor, refusal) = await admin.AuthenticateAsync(request, maxBytes, cancellationToken, WrongMediaType);
        if (refusal is not null)
        {
            return Refused(request, refusal);
        }

        return await AnswerAsync(request, () => run(payload, actor!));
    }

    /// <summary>
    /// A recovery run stops cleanly when its caller goes away, in both hosts: the local host's token is the request's
    /// own, the Functions trigger's is the host's, so the request's is linked in (docs/operations.md, "Long runs").
    /// </summary>
    public static CancellationTokenSource UntilTheCallerLeaves(HttpRequest request, CancellationToken hostToken)
        => CancellationTokenSource.CreateLinkedTokenSource(hostToken, request.HttpContext.RequestAborted);

    /// <summary>Logged with its reason code only: never a header value or the body.</summary>
    private IActionResult Refused(HttpRequest request, IActionResult refusal)
    {
        var reason = ((refusal as ObjectResult)?.Value as ProblemDetails)?.Extensions.TryGetValue("reason", out var code) == true ? code : null;
        logger.LogWarning("Refused an admin request to {Path}: {Reason}", request.Path.Value, reason ?? (refusal as ObjectResult)?.StatusCode);
        return refusal;
    }

    /// <summary>The run's result, or a problem+json saying what to do: 409 for a conflict, 503 when a dependency failed.</summary>
    private async Task<IActionResult> AnswerAsync<TResult>(HttpRequest request, Func<Task<TResult>> run)
    {
        try
        {
            return new OkObjectResult(await run());
        }
        catch (AdminConflictException conflict)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "Conflict", conflict.Message, reason: conflict.Reason);
        }
        catch (AdminNotFoundException missing)
        {
            return Problems.Create(StatusCodes.Status404NotFound, "Not found", missing.Message, missing.Field, reason: "not_found");
        }
        catch (AdminInputException input)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, input.Title, input.Message, input.Field);
        }
        catch (AgentDirectoryUnavailableException directory) when (directory.NotConfigured)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "Members required", directory.Message, "members");
        }
        catch (Exception e) when (e is TransientFaultException or SinkFailedException or HttpRequestException or TimeoutException or AgentDirectoryUnavailableException
            or SourceReadSuspectException or Polly.ExecutionRejectedException or (TaskCanceledException and { InnerException: TimeoutException }))
        {
            logger.LogError(e, "Admin run of {Path} failed downstream; a re-run repairs what it left", request.Path.Value);
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Downstream unavailable",
                $"{e.Message} Send the request again (signed afresh): what it asked for is kept, and a re-run repairs a table left half-written.", reason: "downstream_unavailable");
        }
    }

    /// <summary>Reads and validates an admin body: the body, or a 400 problem+json naming every field at fault.</summary>
    internal static async Task<(TBody? Body, IActionResult? Problem)> ReadBodyAsync<TBody>(byte[] payload, IValidator<TBody> validator, TBody? whenEmpty, CancellationToken cancellationToken)
        where TBody : class
    {
        TBody? body;
        try
        {
            body = payload.Length == 0 ? whenEmpty : JsonSerializer.Deserialize<TBody>(payload);
        }
        catch (JsonException e)
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", e.Message, FieldPath(e.Path) ?? "body"));
        }

        if (body is null)
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "Missing body", "This endpoint needs a JSON body; see docs/operations.md for each endpoint's body.", "body"));
        }

        var validation = await validator.ValidateAsync(body, cancellationToken);
        return validation.IsValid
            ? (body, null)
            : (null, Problems.Validation(validation.Errors
                .GroupBy(e => FieldPath(e.PropertyName) ?? "body")
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray())));
    }

    /// <summary>"Metrics[0].MetricId" or "$.metrics[0].metricId" → "metrics[0].metricId", the names ops sent.</summary>
    internal static string? FieldPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var segments = path.TrimStart('$', '.').Split('.');
        return string.Join('.', segments.Select(s => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..]));
    }
}
