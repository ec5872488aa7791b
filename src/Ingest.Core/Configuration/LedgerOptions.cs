namespace Ingest.Core.Configuration;

/// <summary>Settings of the idempotency ledger (section <c>Ledger</c>).</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>
    /// How long a claim is held before another worker may take it over. A live worker never holds one longer than
    /// about 2.5 min (a DimDate POST, a third of the lease waiting for a FactEvent POST, the POST, the complete);
    /// a claim left by a dead worker, or by a put whose answer was lost, frees itself after this.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a completed key is remembered (DESIGN.md I4: 35 days by default).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(35);
}
