using Ingest.Core.Configuration;

namespace Ingest.Functions.Logging;

/// <summary>What the app logs and how (section <c>Logging</c>, beside the framework's own <c>LogLevel</c> keys).</summary>
public sealed class LoggingOptions
{
    public const string Section = "Logging";

    /// <summary>The minimum level: Verbose, Debug, Information, Warning, Error or Fatal.</summary>
    public string Level { get; set; } = "Information";

    /// <summary><c>text</c> for people, <c>json</c> for machines (always json in Azure, where <c>WEBSITE_INSTANCE_ID</c> is set).</summary>
    public string Format { get; set; } = "text";
}

internal sealed class LoggingRules : SettingsRules<LoggingOptions>
{
    protected override IEnumerable<string> Broken(LoggingOptions o)
    {
        if (!Enum.TryParse<Serilog.Events.LogEventLevel>(o.Level, ignoreCase: true, out _))
        {
            yield return "Logging__Level must be Verbose, Debug, Information, Warning, Error or Fatal.";
        }

        if (o.Format is not ("text" or "json"))
        {
            yield return "Logging__Format must be text or json.";
        }
    }
}
