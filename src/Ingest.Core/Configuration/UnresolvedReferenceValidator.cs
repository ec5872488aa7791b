using Microsoft.Extensions.Options;

namespace Ingest.Core.Configuration;

/// <summary>
/// Refuses a setting that still holds its Key Vault reference (<c>@Microsoft.KeyVault(...)</c>): App Service
/// leaves the literal in place until the app's identity may read the vault (on a first deploy, until the role
/// assignment propagates), and taken as a token it would refuse every delivery with 401. Failing the start instead
/// makes the platform start again later, when the reference resolves.
/// </summary>
public sealed class UnresolvedReferenceValidator<T>(string section) : IValidateOptions<T>
    where T : class
{
    private const string KeyVaultReference = "@Microsoft.KeyVault(";

    public ValidateOptionsResult Validate(string? name, T options)
    {
        var unresolved = Unresolved(options, section).ToArray();
        return unresolved.Length == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(unresolved.Select(setting =>
                $"{setting} is still a Key Vault reference: the app cannot read the vault yet (grant its identity 'Key Vault Secrets User', then restart)."));
    }

    private static IEnumerable<string> Unresolved(object options, string prefix)
    {
        foreach (var property in SettingsCatalog.Bound(options.GetType()))
        {
            var value = property.GetValue(options);
            var setting = $"{prefix}__{property.Name}";
            if (value is string text && text.TrimStart().StartsWith(KeyVaultReference, StringComparison.OrdinalIgnoreCase))
            {
                yield return property.GetCustomAttributes(typeof(FlatSettingAttribute), false) is [FlatSettingAttribute flat, ..] ? flat.Name : setting;
            }
            else if (value is not null and not string && property.PropertyType.IsClass)
            {
                foreach (var nested in Unresolved(value, setting))
                {
                    yield return nested;
                }
            }
        }
    }
}
