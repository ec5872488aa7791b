using Ingest.Core.Telemetry;

namespace Ingest.Integrations.Capture;

/// <summary>The capture queue answers; without it nothing can be accepted.</summary>
public sealed class CaptureQueueProbe(StorageQueueCaptureQueue queue) : IDependencyProbe
{
    public string Name => "captureQueue";

    public bool Optional => false;

    public Task ProbeAsync(CancellationToken cancellationToken) => queue.ProbeAsync(cancellationToken);
}
