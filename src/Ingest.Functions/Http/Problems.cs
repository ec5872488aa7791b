using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Ingest.Functions.Http;

/// <summary>problem+json answers (RFC 9457) that name the field at fault.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ObjectResult Create(int status, string title, string detail, string? field = null, string? reason = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }

        if (reason is not null)
        {
            problem.Extensions["reason"] = reason;
        }

        var result = new ObjectResult(problem) { StatusCode = status };
        result.ContentTypes.Add(ContentType);
        return result;
    }

    /// <summary>A 400 naming every field at fault at once.</summary>
    public static ObjectResult Validation(IReadOnlyDictionary<string, string[]> errors)
    {
        var result = Create(StatusCodes.Status400BadRequest, "Invalid request", $"{errors.Count} field(s) are invalid; see errors.");
        ((ProblemDetails)result.Value!).Extensions["errors"] = errors;
        return result;
    }

    public static ObjectResult Unauthorized(string reason)
        => Create(StatusCodes.Status401Unauthorized, "Unauthorized", "The request's credential is missing or wrong.", reason: reason);
}
