namespace Ingest.Integrations.PowerBi;

/// <summary>Where the push dataset lives (section <c>PowerBi</c>).</summary>
public sealed class PowerBiOptions
{
    public const string Section = "PowerBi";

    /// <summary>The REST API's base address; the emulator's in tests. Empty on the local host: the in-process emulator.</summary>
    public string BaseUrl { get; set; } = "https://api.powerbi.com/";

    /// <summary>The workspace (group) id: service principals must use the workspace form of every endpoint.</summary>
    public string WorkspaceId { get; set; } = string.Empty;

    public string DatasetName { get; set; } = "Ingest";

    /// <summary>None (keeps up to 5M rows per table) or basicFIFO (keeps the newest 200k).</summary>
    public string RetentionPolicy { get; set; } = "None";
}
