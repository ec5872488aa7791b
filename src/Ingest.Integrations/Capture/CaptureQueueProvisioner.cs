using Microsoft.Extensions.Logging;

namespace Ingest.Integrations.Capture;

/// <summary>Creates the capture queue, its poison queue and the claim-check container at start when missing (idempotent).</summary>
public sealed class CaptureQueueProvisioner(StorageQueueCaptureQueue queue, ILogger<CaptureQueueProvisioner> logger) : ProvisionerAtStart(logger)
{
    protected override string What => "the capture queues and claim-check container";

    protected override Task ProvisionAsync(CancellationToken cancellationToken) => queue.EnsureCreatedAsync(cancellationToken);

    protected override bool IsUnreachable(Exception e) => StorageFaults.IsUnreachable(e) || e is TaskCanceledException or TimeoutException;
}
