using System.Reflection;

namespace Ingest.Core.Configuration;

/// <summary>The property is set from a flat setting name docs/contracts.md fixes (<c>ADMIN_HMAC_SECRET</c>), which overrides the section.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FlatSettingAttribute(string name) : Attribute
{
    public string Name => name;
}

/// <summary>When the section leaves the property empty, it is read from this setting instead (<c>AzureWebJobsStorage</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FallbackSettingAttribute(string name) : Attribute
{
    public string Name => name;
}

/// <summary>One options class the app binds, recorded at registration so every setting the code reads can be listed.</summary>
public sealed record SettingsDeclaration(string Section, Type OptionsType);

/// <summary>
/// The names of the settings an app reads, derived from the options classes it binds: <c>Section__Property</c>
/// (nested classes add a level), or the flat name a property declares, plus its fallback name. The settings
/// agreement test holds docs/configuration.md, local.settings.sample.json and the Bicep app settings to this list.
/// </summary>
public static class SettingsCatalog
{
    public static IReadOnlySet<string> Names(IEnumerable<SettingsDeclaration> declarations)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var declaration in declarations)
        {
            Collect(declaration.Section, declaration.OptionsType, names);
        }

        return names;
    }

    /// <summary>The properties binding fills: public, readable and writable, in declaration order.</summary>
    public static IEnumerable<PropertyInfo> Bound(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite && p.SetMethod!.IsPublic);

    private static void Collect(string prefix, Type type, SortedSet<string> names)
    {
        foreach (var property in Bound(type))
        {
            if (property.GetCustomAttribute<FlatSettingAttribute>() is { } flat)
            {
                names.Add(flat.Name);
                continue;
            }

            if (property.GetCustomAttribute<FallbackSettingAttribute>() is { } fallback)
            {
                names.Add(fallback.Name);
            }

            var name = $"{prefix}__{property.Name}";
            if (IsSection(property.PropertyType))
            {
                Collect(name, property.PropertyType, names);
            }
            else
            {
                names.Add(name);
            }
        }
    }

    private static bool IsSection(Type type) => type.IsClass && type != typeof(string);
}
