namespace Ingest.LocalHost;

/// <summary>Which embedded defaults the local host runs on (section <c>LocalHost</c>, plus the flat <c>LOCAL_ROSTER_FILE</c>).</summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";
    public const string RosterFileName = "LOCAL_ROSTER_FILE";

    /// <summary>Serve Power BI from the in-process emulator; false sends it to <c>PowerBi__BaseUrl</c>.</summary>
    public bool EmbeddedPowerBi { get; set; } = true;

    /// <summary>The roster loaded at start when none is stored (same shape as the dimagent/sync body).</summary>
    [Ingest.Core.Configuration.FlatSetting(RosterFileName)]
    public string RosterFile { get; set; } = "samples/roster.json";

    /// <summary>Resolves the roster file against the working directory, then against the app's folder (samples are copied there).</summary>
    public string? ResolveRosterFile()
    {
        if (File.Exists(RosterFile))
        {
            return Path.GetFullPath(RosterFile);
        }

        var besideApp = Path.Combine(AppContext.BaseDirectory, RosterFile);
        return File.Exists(besideApp) ? besideApp : null;
    }
}
