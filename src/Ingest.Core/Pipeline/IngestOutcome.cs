namespace Ingest.Core.Pipeline;

public enum IngestStatus
{
    Processed,
    Deferred,
    Ignored,
}

/// <summary>
/// The counts the webhook answers with (DESIGN.md "Webhook answer"). <see cref="HeldElsewhere"/> counts facts
/// another worker holds in the ledger: until they land, the delivery's capture must not be released.
/// </summary>
public sealed record IngestOutcome(IngestStatus Status, int Facts, int Duplicates, int Gated, int Ignored, int HeldElsewhere = 0)
{
    public bool IsSettled => Status != IngestStatus.Deferred && HeldElsewhere == 0;

    public static IngestOutcome IgnoredDelivery { get; } = new(IngestStatus.Ignored, 0, 0, 0, 1);

    public static IngestOutcome DeferredDelivery { get; } = new(IngestStatus.Deferred, 0, 0, 0, 0);
}
