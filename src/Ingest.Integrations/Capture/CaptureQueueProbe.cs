using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ingest.Integrations.Capture;

/// <summary>The capture queue answers; without it nothing can be accepted.</summary>
public sealed class CaptureQueueProbe(StorageQueueCaptureQueue queue) : IHealthCheck
{
    public const string Name = "captureQueue";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        await queue.ProbeAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
