using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Ingest.Integrations.Eventhouse;

/// <summary>
/// The bootstrap as code: infra/fabric/*.kql, embedded in this assembly, split into the control commands they hold
/// (each starts with a '.' at the start of a line; comment lines are left out). The tables' schema is read from
/// them too, so the KQL files are the one statement of it.
/// </summary>
public static partial class EventhouseScripts
{
    /// <summary>The role grants, applied only by <c>ingest-admin eventhouse bootstrap --principal</c>.</summary>
    public const string RolesScript = "06-roles.kql";

    /// <summary>Every script's name and text, in the order they apply.</summary>
    public static IReadOnlyList<(string Name, string Text)> All { get; } = Load();

    /// <summary>Each table's columns (name and Kusto type), in order, from the <c>.create-merge table</c> commands.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(string Name, string Type)>> Tables { get; } = ReadTables();

    /// <summary>The commands of a script, each a string; <c>{Database}</c> and <c>{AppPrincipal}</c> filled in when given.</summary>
    public static IReadOnlyList<string> Commands(string text, string? database = null, string? principal = null)
    {
        var commands = new List<string>();
        StringBuilder? current = null;
        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith('.'))
            {
                Flush();
                current = new StringBuilder(line);
            }
            else if (current is not null)
            {
                current.Append('\n').Append(line);
            }
        }

        Flush();
        return commands;

        void Flush()
        {
            if (current?.ToString().Trim() is { Length: > 0 } command)
            {
                commands.Add(command.Replace("{Database}", database is null ? "{Database}" : $"['{database}']", StringComparison.Ordinal)
                    .Replace("{AppPrincipal}", principal ?? "{AppPrincipal}", StringComparison.Ordinal));
            }
        }
    }

    private static List<(string, string)> Load()
    {
        var assembly = typeof(EventhouseScripts).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("fabric/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n["fabric/".Length..], Read(assembly, n)))
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    private static Dictionary<string, IReadOnlyList<(string, string)>> ReadTables()
        => All.SelectMany(s => Commands(s.Text))
            .Select(c => CreateMergeTable().Match(c))
            .Where(m => m.Success)
            .ToDictionary(
                m => m.Groups["table"].Value,
                m => (IReadOnlyList<(string, string)>)m.Groups["columns"].Value.Split(',', StringSplitOptions.TrimEntries)
                    .Select(c => c.Split(':', StringSplitOptions.TrimEntries))
                    .Select(p => (p[0], p[1]))
                    .ToArray(),
                StringComparer.Ordinal);

    [GeneratedRegex(@"^\.create-merge\s+table\s+(?<table>\w+)\s*\((?<columns>[^)]*)\)", RegexOptions.CultureInvariant)]
    private static partial Regex CreateMergeTable();
}
