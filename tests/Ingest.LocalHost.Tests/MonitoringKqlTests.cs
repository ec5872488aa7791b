using System.Text.Json.Nodes;
using Ingest.Testing;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// Every alert and workbook query, as the compiled template deploys it, parses and binds in Microsoft's KQL analyzer
/// against the Application Insights tables: a query Azure would refuse, or a column that does not exist, fails here.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MonitoringKqlTests
{
    /// <summary>The deployed queries by where they come from: each alert's (parameters filled in) and each workbook chart's.</summary>
    internal static async Task<IReadOnlyList<(string Where, string Query)>> DeployedQueriesAsync()
    {
        var monitoring = await BicepCli.MonitoringAsync();
        var alerts = monitoring.Evaluate(ArmExpression.Of("[variables('alerts')]"))!.AsArray()
            .Select(a => ($"alert {a!["key"]}", a["query"]!.GetValue<string>())).ToArray();

        var workbook = BicepCli.Resources(monitoring.Template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/workbooks");
        var serialized = monitoring.Evaluate(workbook["properties"]!["serializedData"])!.GetValue<string>();
        var charts = JsonNode.Parse(serialized)!["items"]!.AsArray()
            .Where(i => i!["type"]!.GetValue<int>() == 3)
            .Select(i => ($"workbook {i!["name"]}", i["content"]!["query"]!.GetValue<string>())).ToArray();

        Assert.NotEmpty(alerts);
        Assert.NotEmpty(charts);
        return [.. alerts, .. charts];
    }

    [Fact]
    public async Task EveryAlertAndWorkbookQueryParsesAndBindsWithoutADiagnostic()
    {
        var queries = await DeployedQueriesAsync();

        var diagnostics = await KqlAnalyzer.AnalyzeAsync([.. queries.Select(q => q.Query)]);

        var found = queries.Zip(diagnostics).Where(p => p.Second.Count > 0)
            .Select(p => $"{p.First.Where}: {string.Join("; ", p.Second)}\n  {p.First.Query}").ToArray();
        Assert.True(found.Length == 0, string.Join("\n", found));
    }

    [Fact]
    public async Task TheAnalyzerReportsAnUnknownColumnASyntaxErrorAndAnUnknownTable()
    {
        string[] queries =
        [
            "customMetrics | where name == \"ingest.poisoned\" | summarize value = sum(valueSum) by cloud_RoleInstance",
            "customMetrics | where nam == \"ingest.poisoned\" | summarize value = sum(valueSum)",
            "customMetrics | where name == \"ingest.poisoned\" | summarize value = sum(valueSum) by",
            "customMetric | summarize value = sum(valueSum)",
        ];

        var diagnostics = await KqlAnalyzer.AnalyzeAsync(queries);

        Assert.Empty(diagnostics[0]);
        Assert.Contains(diagnostics[1], d => d.Severity == "Error" && d.Message.Contains("'nam'", StringComparison.Ordinal));
        Assert.Contains(diagnostics[2], d => d.Severity == "Error" && d.Start >= queries[2].Length - 1);
        Assert.Contains(diagnostics[3], d => d.Severity == "Error" && d.Message.Contains("'customMetric'", StringComparison.Ordinal));
    }
}
