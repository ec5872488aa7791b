using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Configuration;

/// <summary>
/// Binds an options class from its configuration section (environment variables and local.settings.json
/// Values, <c>__</c> for sections), lets the flat names docs/contracts.md fixes override (<see cref="FlatSettingAttribute"/>),
/// records it for <see cref="SettingsCatalog"/>, and validates at start.
/// </summary>
public static class SettingsBinding
{
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddSingleton(new SettingsDeclaration(section, typeof(T)));
        services.AddSingleton<IValidateOptions<T>>(new UnresolvedReferenceValidator<T>(section));
        return services.AddOptions<T>()
            .Bind(configuration.GetSection(section))
            .Configure(options => ApplyFlatNames(options, configuration))
            .ValidateOnStart();
    }

    /// <summary>As <see cref="AddSettings{T}"/>, with <typeparamref name="TRules"/> (the class's rules, beside it) checked at start.</summary>
    public static OptionsBuilder<T> AddSettings<T, TRules>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
        where TRules : class, IValidateOptions<T>
    {
        services.AddSingleton<IValidateOptions<T>, TRules>();
        return services.AddSettings<T>(configuration, section);
    }

    /// <summary>The settings as bound, for the few choices made while composing (which adapters to register).</summary>
    public static T Read<T>(IConfiguration configuration, string section)
        where T : class, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        ApplyFlatNames(options, configuration);
        return options;
    }

    /// <summary>Flat names override what the section bound; fallback names fill what it left empty.</summary>
    private static void ApplyFlatNames(object options, IConfiguration configuration)
    {
        foreach (var property in SettingsCatalog.Bound(options.GetType()).Where(p => p.PropertyType == typeof(string)))
        {
            if (property.GetCustomAttribute<FlatSettingAttribute>() is { } flat && configuration.Flat(flat.Name) is { } value)
            {
                property.SetValue(options, value);
            }
            else if (property.GetCustomAttribute<FallbackSettingAttribute>() is { } fallback
                && string.IsNullOrWhiteSpace((string?)property.GetValue(options))
                && configuration.Flat(fallback.Name) is { } fallbackValue)
            {
                property.SetValue(options, fallbackValue);
            }
        }
    }

    /// <summary>Reads a flat setting, treating an empty value as absent.</summary>
    public static string? Flat(this IConfiguration configuration, string name)
    {
        var value = configuration[name.Replace("__", ":", StringComparison.Ordinal)];
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>
    /// Validates every options class now, so a bad setting fails the start with a message naming it.
    /// Called explicitly because ValidateOnStart has a history of not firing under the Functions host.
    /// </summary>
    public static void ValidateSettings(this IServiceProvider services)
        => services.GetRequiredService<IStartupValidator>().Validate();
}
