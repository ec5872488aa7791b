using Ingest.Core.Configuration;

namespace Ingest.Integrations.Sinks;

/// <summary>Where facts and dimension rows go (section <c>Sink</c>): everything else is shared by both sinks.</summary>
public sealed class SinkOptions
{
    public const string Section = "Sink";
    public const string PowerBi = "PowerBi";
    public const string Eventhouse = "Eventhouse";

    /// <summary><c>PowerBi</c> (a push dataset, the default) or <c>Eventhouse</c> (a Fabric KQL database).</summary>
    public string Kind { get; set; } = PowerBi;

    public bool IsEventhouse => string.Equals(Kind, Eventhouse, StringComparison.OrdinalIgnoreCase);
}

internal sealed class SinkRules : SettingsRules<SinkOptions>
{
    protected override IEnumerable<string> Broken(SinkOptions o)
    {
        if (!string.Equals(o.Kind, SinkOptions.PowerBi, StringComparison.OrdinalIgnoreCase) && !o.IsEventhouse)
        {
            yield return "Sink__Kind must be PowerBi or Eventhouse.";
        }
    }
}
