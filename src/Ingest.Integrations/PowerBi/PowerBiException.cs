using System.Net;

namespace Ingest.Integrations.PowerBi;

/// <summary>A Power BI REST call that failed, with what Power BI said about it. Never carries the token.</summary>
public sealed class PowerBiException(HttpStatusCode status, string? errorCode, string? detail, string? requestId, TimeSpan? retryAfter)
    : Exception($"Power BI answered {(int)status} {errorCode}: {detail} (request id {requestId ?? "none"})")
{
    public HttpStatusCode Status { get; } = status;
    public string? ErrorCode { get; } = errorCode;
    public string? Detail { get; } = detail;
    public string? RequestId { get; } = requestId;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Throttling, server faults and timeouts: worth retrying later, not the rows' fault.</summary>
    public bool IsTransient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)Status >= 500;
}
