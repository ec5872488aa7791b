using Microsoft.Extensions.Hosting;

namespace Ingest.Integrations.Capture;

/// <summary>Creates the capture queue, its poison queue and the claim-check container at start when missing (idempotent).</summary>
public sealed class CaptureQueueProvisioner(StorageQueueCaptureQueue queue) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => queue.EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
