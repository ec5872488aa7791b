using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Ingest.Functions.Logging;

/// <summary>
/// Serilog for both hosts: structured, readable console in development, compact JSON in Azure (or when
/// <c>Logging__Format=json</c>). Request properties come from logger scopes. Bodies, tokens and phone
/// numbers are never logged: the code logs ids and counts only.
/// </summary>
public static class LoggingSetup
{
    /// <param name="extraSinks">Sinks registered in the container besides the console (a test's capture, say).</param>
    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration, IEnumerable<Serilog.Core.ILogEventSink>? extraSinks = null)
    {
        var options = configuration.GetSection(LoggingOptions.Section).Get<LoggingOptions>() ?? new LoggingOptions();
        var level = Enum.TryParse<LogEventLevel>(options.Level, ignoreCase: true, out var configured) ? configured : LogEventLevel.Information;
        logger
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        foreach (var sink in extraSinks ?? [])
        {
            logger.WriteTo.Sink(sink);
        }

        var json = string.Equals(options.Format, "json", StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrEmpty(configuration["WEBSITE_INSTANCE_ID"]);
        return json
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}");
    }
}
