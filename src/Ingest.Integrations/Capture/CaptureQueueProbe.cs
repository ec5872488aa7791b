namespace Ingest.Integrations.Capture;

/// <summary>The capture queue answers; without it nothing can be accepted.</summary>
public sealed class CaptureQueueProbe(StorageQueueCaptureQueue queue) : DependencyProbe
{
    public const string Name = "captureQueue";

    protected override Task ProbeAsync(CancellationToken cancellationToken) => queue.ProbeAsync(cancellationToken);
}
