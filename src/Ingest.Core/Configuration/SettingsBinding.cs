using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Configuration;

/// <summary>
/// Binds an options class from its configuration section (environment variables and local.settings.json
/// Values, <c>__</c> for sections), lets the flat names DESIGN.md fixes override, and validates at start.
/// </summary>
public static class SettingsBinding
{
    public static OptionsBuilder<T> AddSettings<T>(
        this IServiceCollection services,
        IConfiguration configuration,
        string section,
        Action<T, IConfiguration>? flatNames = null)
        where T : class
    {
        var builder = services.AddOptions<T>().Bind(configuration.GetSection(section));
        if (flatNames is not null)
        {
            builder.Configure(options => flatNames(options, configuration));
        }

        return builder.ValidateOnStart();
    }

    /// <summary>Reads a flat setting, treating an empty value as absent.</summary>
    public static string? Flat(this IConfiguration configuration, string name)
        => string.IsNullOrWhiteSpace(configuration[name]) ? null : configuration[name];

    /// <summary>
    /// Validates every options class now, so a bad setting fails the start with a message naming it.
    /// Called explicitly because ValidateOnStart has a history of not firing under the Functions host.
    /// </summary>
    public static void ValidateSettings(this IServiceProvider services)
        => services.GetRequiredService<IStartupValidator>().Validate();
}
