using Ingest.Core.Configuration;

namespace Ingest.Integrations.Aloware;

/// <summary>How Aloware's CSV export is read (section <c>Aloware</c>, shared with the Aloware REST settings).</summary>
public sealed class AlowareExportOptions
{
    public const string Section = "Aloware";

    /// <summary>The IANA zone of the export's wall-clock times (the account's zone); empty: <c>BUSINESS_TIME_ZONE</c>.</summary>
    public string? ExportTimeZone { get; set; }
}

internal sealed class AlowareExportRules : SettingsRules<AlowareExportOptions>
{
    protected override IEnumerable<string> Broken(AlowareExportOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.ExportTimeZone) && !Core.Time.BusinessCalendar.IsKnownZone(o.ExportTimeZone))
        {
            yield return "Aloware__ExportTimeZone must be an IANA time zone id known to this machine, such as America/New_York.";
        }
    }
}
