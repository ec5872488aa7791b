namespace Ingest.Core.Telemetry;

/// <summary>One downstream service the health endpoint checks: a cheap read that proves it answers.</summary>
public interface IDependencyProbe
{
    /// <summary>The name health reports (dynamodb, captureQueue, powerBi).</summary>
    string Name { get; }

    /// <summary>When false, the app cannot accept deliveries without it (the capture store); otherwise it only degrades.</summary>
    bool Optional { get; }

    /// <exception cref="Exception">The dependency did not answer.</exception>
    Task ProbeAsync(CancellationToken cancellationToken);
}
