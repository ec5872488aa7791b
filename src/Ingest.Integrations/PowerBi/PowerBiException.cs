using System.Net;
using Ingest.Core.Storage;

namespace Ingest.Integrations.PowerBi;

/// <summary>A Power BI REST call that failed, with what Power BI said about it. Never carries the token.</summary>
public sealed class PowerBiException(HttpStatusCode status, string? errorCode, string? detail, string? requestId)
    : SinkFailedException($"Power BI answered {(int)status} {errorCode}: {detail} (request id {requestId ?? "none"})")
{
    public HttpStatusCode Status { get; } = status;
    public string? ErrorCode { get; } = errorCode;
    public string? Detail { get; } = detail;
    public string? RequestId { get; } = requestId;

    /// <summary>Throttling, server faults and timeouts: worth retrying later, not the rows' fault.</summary>
    public override bool IsTransient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)Status >= 500;

    /// <summary>A refusal (4xx), or a front door that never reached the service (502, 503), stored nothing.</summary>
    public override bool MayHaveLanded => (int)Status >= 500 && Status is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable);
}
