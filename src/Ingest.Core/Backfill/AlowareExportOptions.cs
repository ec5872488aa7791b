namespace Ingest.Core.Backfill;

/// <summary>How Aloware's CSV export is read (section <c>Aloware</c>, shared with the Aloware REST settings).</summary>
public sealed class AlowareExportOptions
{
    public const string Section = "Aloware";

    /// <summary>The IANA zone of the export's wall-clock times (the account's zone); empty: <c>BUSINESS_TIME_ZONE</c>.</summary>
    public string? ExportTimeZone { get; set; }
}
