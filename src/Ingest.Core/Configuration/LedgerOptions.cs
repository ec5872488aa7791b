namespace Ingest.Core.Configuration;

/// <summary>Settings of the idempotency ledger (section <c>Ledger</c>).</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>
    /// How long a claim is held before another worker may take it over. DimDate is ensured before the claim, so a
    /// live worker holds one at most a third of the lease waiting for its facts' write to be sent, 30 s for a place
    /// among the writes in flight, 30 s for the answer, and the complete (about 2.5 min); a claim left by a dead
    /// worker, or by a put whose answer was lost, frees itself after this.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a completed key is remembered (35 days by default).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(35);
}

internal sealed class LedgerRules : SettingsRules<LedgerOptions>
{
    protected override IEnumerable<string> Broken(LedgerOptions o)
    {
        if (o.LeaseDuration <= TimeSpan.Zero)
        {
            yield return "Ledger__LeaseDuration must be positive (e.g. 00:10:00).";
        }

        if (o.Retention < TimeSpan.FromDays(1))
        {
            yield return "Ledger__Retention must be at least one day (e.g. 35.00:00:00).";
        }
    }
}
