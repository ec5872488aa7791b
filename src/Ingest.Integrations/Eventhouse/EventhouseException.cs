using System.Net;
using Ingest.Core.Storage;

namespace Ingest.Integrations.Eventhouse;

/// <summary>
/// A request the Eventhouse refused or failed, with its OneApiError code and whether the service marked it
/// <c>@permanent</c> (retrying the same request cannot help: a missing table or mapping, a disabled policy).
/// </summary>
/// <param name="permanent">What the body's <c>@permanent</c> said; null when it said nothing (no error body, a proxy's page).</param>
public sealed class EventhouseException(HttpStatusCode status, string? code, string? detail, bool? permanent, string requestId)
    : SinkFailedException($"The Eventhouse answered {(int)status} {code}: {detail} (request id {requestId})")
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
    public string? Detail { get; } = detail;
    public bool? Permanent { get; } = permanent;
    public string RequestId { get; } = requestId;

    /// <summary>How long a 429 asked to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>What the service marked not permanent; without a mark, throttling, server faults and timeouts.</summary>
    public override bool IsTransient => Permanent is { } marked
        ? !marked
        : Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)Status >= 500;

    /// <summary>A refusal (4xx) or a front door that never reached the service (502, 503) stored nothing.</summary>
    public override bool MayHaveLanded => (int)Status >= 500 && Status is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable);
}

/// <summary>The Eventhouse is failing (its circuit is open, or retries ran out): the delivery stays captured for the redrive.</summary>
public sealed class EventhouseUnavailableException(string message, Exception? inner = null) : TransientFaultException(message, inner);
