using Ingest.Core.Configuration;

namespace Ingest.Core.Admin;

/// <summary>How admin requests are authenticated (flat names fixed by docs/contracts.md, "Settings fixed by contract"; section <c>Admin</c> for the rest).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";
    public const string HmacSecretName = "ADMIN_HMAC_SECRET";
    public const string ApiKeyName = "ADMIN_API_KEY";
    public const string IpAllowlistName = "ADMIN_IP_ALLOWLIST";

    /// <summary>One or more secrets, comma-separated: any of them signs, so a secret can be rotated without downtime.</summary>
    [FlatSetting(HmacSecretName)]
    public string HmacSecret { get; set; } = string.Empty;

    /// <summary>When set, requests must also carry it as <c>X-Admin-Api-Key</c>.</summary>
    [FlatSetting(ApiKeyName)]
    public string? ApiKey { get; set; }

    /// <summary>When set, only clients in these CIDRs (comma-separated) may call.</summary>
    [FlatSetting(IpAllowlistName)]
    public string? IpAllowlist { get; set; }

    /// <summary>Proxies (CIDRs) whose <c>X-Forwarded-For</c> is believed; from anyone else the header is ignored.</summary>
    public string? TrustedProxies { get; set; }

    /// <summary>How far a request's timestamp may be from now (docs/contracts.md, "Admin signature": ±300 s); also the nonce's lifetime.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>How long one run may hold a table's lock; a run that dies frees the table after this.</summary>
    public TimeSpan TableLockLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a backfill or reconciliation counts before it stops between chunks and answers what it did, saying to run
    /// it again: under the Functions front end's 230 s limit, so the answer reaches the caller (docs/operations.md, "Long runs").
    /// </summary>
    public TimeSpan RecoveryDeadline { get; set; } = TimeSpan.FromSeconds(200);

    /// <summary>The largest Aloware export a backfill accepts (50 MB: a busy month is about 100k rows).</summary>
    public long MaxBackfillBytes { get; set; } = 50L * 1024 * 1024;

    public IReadOnlyList<string> Secrets => HmacSecret.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

internal sealed class AdminRules : SettingsRules<AdminOptions>
{
    protected override IEnumerable<string> Broken(AdminOptions o)
    {
        if (o.Secrets.Count == 0 || o.Secrets.Any(s => s.Length < 16))
        {
            yield return $"{AdminOptions.HmacSecretName} must hold at least one secret of 16 characters or more (several comma-separated while rotating).";
        }

        if (!IpNetwork.TryParseList(o.IpAllowlist, out _))
        {
            yield return $"{AdminOptions.IpAllowlistName} must be comma-separated CIDRs such as 10.0.0.0/8.";
        }

        if (!IpNetwork.TryParseList(o.TrustedProxies, out _))
        {
            yield return "Admin__TrustedProxies must be comma-separated CIDRs.";
        }

        if (o.Tolerance <= TimeSpan.Zero)
        {
            yield return "Admin__Tolerance must be positive.";
        }

        if (o.RecoveryDeadline <= TimeSpan.Zero)
        {
            yield return "Admin__RecoveryDeadline must be positive.";
        }

        if (o.MaxBackfillBytes is < 1024 or > int.MaxValue)
        {
            yield return "Admin__MaxBackfillBytes must be between 1024 and 2147483647 bytes.";
        }
    }
}
