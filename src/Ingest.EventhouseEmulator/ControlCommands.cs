using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ingest.PowerBiEmulator;

namespace Ingest.EventhouseEmulator;

/// <summary>
/// The control commands the product sends (infra/fabric/*.kql and a dimension's replace), and only those: anything
/// else is a 400 naming it. The caller holds the database's lock.
/// </summary>
internal static partial class ControlCommands
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant;

    public static EmulatorResponse Apply(KustoDatabase database, string csl)
    {
        var command = csl.Trim();
        try
        {
            return command switch
            {
                _ when CreateMergeTable().Match(command) is { Success: true } m => CreateMerge(database, m),
                _ when CreateMapping().Match(command) is { Success: true } m => Mapping(database, m),
                _ when TableStreaming().Match(command) is { Success: true } m => WithTable(database, m.Groups["table"].Value, t => t.StreamingEnabled = true),
                _ when DatabaseStreaming().IsMatch(command) => Done(() => database.StreamingEnabled = true),
                _ when CreateView().Match(command) is { Success: true } m => View(database, m),
                _ when CreateFunction().Match(command) is { Success: true } m => Done(() => database.Functions[m.Groups["name"].Value] = command),
                _ when SetOrReplace().Match(command) is { Success: true } m => Replace(database, m),
                _ when AddRole().Match(command) is { Success: true } m => Done(() => database.Grants.Add($"{m.Groups["role"].Value.ToLowerInvariant()} {m.Groups["who"].Value.Trim()}")),
                _ when ShowDetails().Match(command) is { Success: true } m => Details(database, m.Groups["table"].Value),
                _ when ShowTables().IsMatch(command) => KustoAnswers.Ok(["TableName"], database.Tables.Keys.Order().Select(n => new object?[] { n })),
                _ => KustoAnswers.BadRequest("BadRequest_UnsupportedCommand",
                    $"The emulator does not support this command (it emulates only those the product sends): {FirstLine(command)}"),
            };
        }
        catch (FormatException e)
        {
            return KustoAnswers.BadRequest("BadRequest_SyntaxError", e.Message);
        }
    }

    private static EmulatorResponse Details(KustoDatabase database, string name)
        => database.Tables.TryGetValue(name, out var table)
            ? KustoAnswers.Ok(["TableName", "TotalRowCount"], [[table.Name, (long)table.Rows.Count]])
            : KustoAnswers.BadRequest("BadRequest_EntityNotFound", $"Table '{name}' was not found.");

    private static EmulatorResponse CreateMerge(KustoDatabase database, Match m)
    {
        var name = m.Groups["table"].Value;
        var columns = m.Groups["columns"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Column).ToArray();
        if (!database.Tables.TryGetValue(name, out var table))
        {
            table = database.Tables[name] = new KustoTable(name);
        }

        return table.Merge(columns) is { } conflict ? KustoAnswers.BadRequest("BadRequest_ColumnTypeMismatch", conflict) : KustoAnswers.Empty();
    }

    private static KustoColumn Column(string declaration)
    {
        var parts = declaration.Split(':', StringSplitOptions.TrimEntries);
        return parts.Length == 2 && parts[0].Length > 0
            ? new KustoColumn(parts[0].Trim('[', ']', '\'', '"'), parts[1].ToLowerInvariant())
            : throw new FormatException($"'{declaration}' is not a column declaration (Name:type).");
    }

    private static EmulatorResponse Mapping(KustoDatabase database, Match m) => WithTable(database, m.Groups["table"].Value, table =>
    {
        var entries = JsonNode.Parse(m.Groups["json"].Value)?.AsArray() ?? throw new FormatException("The mapping is not a JSON array.");
        var columns = entries.Select(e => new MappingColumn(
            e?["column"]?.GetValue<string>() ?? throw new FormatException("A mapping entry names no column."),
            e["Properties"]?["Path"]?.GetValue<string>() ?? e["path"]?.GetValue<string>() ?? throw new FormatException("A mapping entry has no Path."))).ToArray();
        if (columns.FirstOrDefault(c => table.Columns.All(k => k.Name != c.Column)) is { } unknown)
        {
            throw new FormatException($"The mapping names column '{unknown.Column}', which table '{table.Name}' does not have.");
        }

        table.Mappings[m.Groups["mapping"].Value] = columns;
    });

    private static EmulatorResponse View(KustoDatabase database, Match m)
    {
        var name = m.Groups["view"].Value;
        if (!database.Tables.ContainsKey(m.Groups["source"].Value))
        {
            return KustoAnswers.BadRequest("BadRequest_EntityNotFound", $"Table '{m.Groups["source"].Value}' was not found.");
        }

        if (TakeAnyByKey().Match(m.Groups["query"].Value) is not { Success: true } query)
        {
            return KustoAnswers.BadRequest("BadRequest_UnsupportedCommand", "The emulator computes only views of the form 'T | summarize take_any(*) by Key'.");
        }

        database.Views.TryAdd(name, new MaterializedView(name, m.Groups["source"].Value, query.Groups["key"].Value)); // ifnotexists
        return KustoAnswers.Empty();
    }

    /// <summary>Replaces the table's rows in one step: readers see the old rows or the new, never none.</summary>
    private static EmulatorResponse Replace(KustoDatabase database, Match m) => WithTable(database, m.Groups["table"].Value, table =>
    {
        var columns = m.Groups["columns"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Column).ToArray();
        if (columns.Length != table.Columns.Count || columns.Where((c, i) => c.Name != table.Columns[i].Name).Any())
        {
            throw new FormatException($"The datatable's columns ({string.Join(", ", columns.Select(c => c.Name))}) are not table '{table.Name}''s.");
        }

        var values = DataTableLiteral.Values(m.Groups["values"].Value);
        if (values.Count % columns.Length != 0)
        {
            throw new FormatException($"{values.Count} values do not fill rows of {columns.Length} columns.");
        }

        var rows = new List<JsonObject>();
        for (var at = 0; at < values.Count; at += columns.Length)
        {
            var row = new JsonObject();
            for (var c = 0; c < columns.Length; c++)
            {
                row[table.Columns[c].Name] = KustoValues.Convert(values[at + c], table.Columns[c].Type);
            }

            rows.Add(row);
        }

        table.Rows = rows;
    });

    private static EmulatorResponse WithTable(KustoDatabase database, string name, Action<KustoTable> change)
    {
        if (!database.Tables.TryGetValue(name, out var table))
        {
            return KustoAnswers.BadRequest("BadRequest_EntityNotFound", $"Table '{name}' was not found.");
        }

        try
        {
            change(table);
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message);
        }

        return KustoAnswers.Empty();
    }

    private static EmulatorResponse Done(Action change)
    {
        change();
        return KustoAnswers.Empty();
    }

    private static string FirstLine(string command) => command.Split('\n')[0].Trim() is { Length: > 120 } line ? line[..120] + "..." : command.Split('\n')[0].Trim();

    [GeneratedRegex(@"^\.create-merge\s+table\s+(?<table>\w+)\s*\((?<columns>[^)]*)\)\s*$", Options)]
    private static partial Regex CreateMergeTable();

    [GeneratedRegex(@"^\.create-or-alter\s+table\s+(?<table>\w+)\s+ingestion\s+json\s+mapping\s+""(?<mapping>[^""]+)""\s+'(?<json>[^']*)'\s*$", Options)]
    private static partial Regex CreateMapping();

    [GeneratedRegex(@"^\.alter\s+table\s+(?<table>\w+)\s+policy\s+streamingingestion\s+enable\s*$", Options)]
    private static partial Regex TableStreaming();

    [GeneratedRegex(@"^\.alter\s+database\s+\S+\s+policy\s+streamingingestion\s+enable\s*$", Options)]
    private static partial Regex DatabaseStreaming();

    [GeneratedRegex(@"^\.create\s+ifnotexists\s+materialized-view\s+(?:with\s*\([^)]*\)\s*)?(?<view>\w+)\s+on\s+table\s+(?<source>\w+)\s*\{(?<query>.*)\}\s*$", Options)]
    private static partial Regex CreateView();

    [GeneratedRegex(@"^\s*(?<source>\w+)\s*\|\s*summarize\s+take_any\(\*\)\s+by\s+(?<key>\w+)\s*$", Options)]
    private static partial Regex TakeAnyByKey();

    [GeneratedRegex(@"^\.create-or-alter\s+function\s+(?:with\s*\([^)]*\)\s*)?(?<name>\w+)\s*\([^)]*\)\s*\{.*\}\s*$", Options)]
    private static partial Regex CreateFunction();

    [GeneratedRegex(@"^\.set-or-replace\s+(?<table>\w+)\s*<\|\s*datatable\s*\((?<columns>[^)]*)\)\s*\[(?<values>.*)\]\s*$", Options)]
    private static partial Regex SetOrReplace();

    [GeneratedRegex(@"^\.add\s+database\s+\S+\s+(?<role>admins|ingestors|viewers|users)\s+\((?<who>[^)]*)\)(?:\s+'[^']*')?\s*$", Options)]
    private static partial Regex AddRole();

    [GeneratedRegex(@"^\.show\s+table\s+(?<table>\w+)\s+details\s*$", Options)]
    private static partial Regex ShowDetails();

    [GeneratedRegex(@"^\.show\s+tables\s*$", Options)]
    private static partial Regex ShowTables();
}
