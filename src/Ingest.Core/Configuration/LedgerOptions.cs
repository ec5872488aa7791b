namespace Ingest.Core.Configuration;

/// <summary>Settings of the idempotency ledger (section <c>Ledger</c>).</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>How long a claim is held before another worker may take it over: longer than the function timeout (5 min).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a completed key is remembered (DESIGN.md I4: 35 days by default).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(35);
}
