namespace Ingest.Core.Pipeline;

public enum IngestStatus
{
    Processed,
    Deferred,
    Ignored,

    /// <summary>Captured for asynchronous enrichment (HubSpot): the redrive counts it.</summary>
    Accepted,
}

/// <summary>
/// The counts the webhook answers with (docs/contracts.md, "Webhook"). <see cref="HeldElsewhere"/> counts facts
/// another worker holds in the ledger: until they land, the delivery's capture must not be released.
/// </summary>
public sealed record IngestOutcome(IngestStatus Status, int Facts, int Duplicates, int Gated, int Ignored, int HeldElsewhere = 0)
{
    public bool IsSettled => Status is not (IngestStatus.Deferred or IngestStatus.Accepted) && HeldElsewhere == 0;

    public static IngestOutcome IgnoredDelivery { get; } = new(IngestStatus.Ignored, 0, 0, 0, 1);

    public static IngestOutcome DeferredDelivery { get; } = new(IngestStatus.Deferred, 0, 0, 0, 0);

    public static IngestOutcome AcceptedDelivery { get; } = new(IngestStatus.Accepted, 0, 0, 0, 0);
}
