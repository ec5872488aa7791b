using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ingest.Testing;

/// <summary>
/// Microsoft's KQL parser and analyzer (npm <c>@kusto/language-service-next</c>, installed under .tools/ on first
/// use) run by <c>kql/analyze.js</c> over queries against the Application Insights tables: what it reports is what
/// the portal would underline, syntax and unknown names alike.
/// </summary>
public static class KqlAnalyzer
{
    public const string Package = "@kusto/language-service-next@12.4.1";

    private static readonly string Script = Path.Combine(ExternalTool.RepositoryRoot, "tests", "Ingest.Testing", "kql", "analyze.js");

    /// <summary>The diagnostics of each query, in order; an empty list is a query that parses and binds.</summary>
    /// <param name="database">The database the texts run in, its tables' columns and Kusto types; null: the Application Insights tables.</param>
    public static async Task<IReadOnlyList<IReadOnlyList<KqlDiagnostic>>> AnalyzeAsync(
        IReadOnlyList<string> queries, (string Name, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Tables)? database = null)
    {
        var prefix = await ExternalTool.EnsureNpmPackageAsync("kql", Package, "node_modules/@kusto/language-service-next/Kusto.Language.Bridge.js");
        var input = Path.Combine(Path.GetTempPath(), $"kql-{Guid.NewGuid():N}.json");
        var schema = Path.ChangeExtension(input, ".db.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(queries));
        if (database is { } described)
        {
            await File.WriteAllTextAsync(schema, JsonSerializer.Serialize(new { name = described.Name, tables = described.Tables }));
        }

        try
        {
            // Not ExternalTool.RunAsync: it joins stderr to stdout, and only stdout is the JSON answer.
            var start = new ProcessStartInfo("node") { WorkingDirectory = prefix, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in database is null ? new[] { Script, prefix, input } : [Script, prefix, input, schema])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = ExternalTool.StartOrExplain(start);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            var output = await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"analyze.js exited with {process.ExitCode}:\n{output}{await stderr}");
            }

            var results = JsonSerializer.Deserialize<KqlDiagnostic[][]>(output)
                ?? throw new InvalidOperationException("analyze.js printed nothing: " + output);
            if (results.Length != queries.Count)
            {
                throw new InvalidOperationException($"analyze.js answered {results.Length} results for {queries.Count} queries: {output}");
            }

            return results;
        }
        finally
        {
            File.Delete(input);
            File.Delete(schema);
        }
    }
}

/// <summary>One thing the analyzer found: its code (KS...), severity, message and where in the query text.</summary>
public sealed record KqlDiagnostic(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("length")] int Length)
{
    public override string ToString() => $"{Severity} {Code} at {Start}: {Message}";
}
