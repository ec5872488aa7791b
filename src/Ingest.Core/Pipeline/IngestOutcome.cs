namespace Ingest.Core.Pipeline;

public enum IngestStatus
{
    Processed,
    Deferred,
    Ignored,
}

/// <summary>The counts the webhook answers with (DESIGN.md "Webhook answer").</summary>
public sealed record IngestOutcome(IngestStatus Status, int Facts, int Duplicates, int Gated, int Ignored)
{
    public static IngestOutcome IgnoredDelivery { get; } = new(IngestStatus.Ignored, 0, 0, 0, 1);

    public static IngestOutcome DeferredDelivery { get; } = new(IngestStatus.Deferred, 0, 0, 0, 0);
}
