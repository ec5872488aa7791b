using Microsoft.Extensions.Options;

namespace Ingest.Core.Configuration;

/// <summary>
/// An options class's own rules, written beside the class: every rule the bound settings break, as a message that
/// names the setting, fails the start together with the others.
/// </summary>
public abstract class SettingsRules<T> : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var broken = Broken(options).ToArray();
        return broken.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(broken);
    }

    /// <summary>A message naming the setting for each rule <paramref name="options"/> break.</summary>
    protected abstract IEnumerable<string> Broken(T options);
}
