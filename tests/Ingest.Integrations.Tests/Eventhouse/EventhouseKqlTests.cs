using System.Text.Json;
using Ingest.Core.Domain;
using Ingest.Integrations.Eventhouse;
using Ingest.Testing;

namespace Ingest.Integrations.Tests.Eventhouse;

/// <summary>
/// Every KQL text the product ships (infra/fabric/*.kql) or sends (a dimension's <c>.set-or-replace</c>, the probe, a
/// table's details) through Microsoft's parser and analyzer, with the database's tables declared: zero diagnostics.
/// The emulator runs no KQL, so this is what stands between a typo and a failed bootstrap in Fabric.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EventhouseKqlTests
{
    private static (string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>) Database()
    {
        var tables = EventhouseScripts.Tables.ToDictionary(
            t => t.Key, t => (IReadOnlyDictionary<string, string>)t.Value.ToDictionary(c => c.Name, c => c.Type));
        tables["FactEventUnique"] = tables[TableNames.FactEvent]; // the materialized view, as queries see it
        return ("ingest", tables);
    }

    private static IEnumerable<string> SentTexts()
    {
        yield return ".show tables";
        yield return $".show table {TableNames.DimAgent} details";
        DimShift[] shifts = [new() { ShiftID = "AM", Name = "Morning \"early\"\\", StartTime = "06:00", EndTime = "14:00", Days = "Mon-Fri", SortOrder = 1 }];
        DimAgent[] agents = [new() { AgentID = 101, Name = "Ann", Email = null!, RingGroupID = 7, IsActive = true, SyncedAtUtc = new DateTime(2026, 11, 26, 0, 0, 0, DateTimeKind.Utc) }];
        yield return Replace(TableNames.DimShift, shifts);
        yield return Replace(TableNames.DimAgent, agents);
        yield return Replace(TableNames.DimDate, [Core.Time.BusinessCalendar.DateRow(new DateOnly(2026, 11, 26))]);
        yield return Replace(TableNames.DimMetric, [new DimMetric { MetricMonthKey = "CALLS-202611", MetricID = MetricId.CALLS, MonthKey = 202611, DefaultGoal = 400, DefaultYellowFloorPct = 0.8, Version = 3 }]);
    }

    private static string Replace<TRow>(string table, IEnumerable<TRow> rows)
        => $".set-or-replace {table} <| {KqlLiterals.DataTable(EventhouseScripts.Tables[table], rows.Select(r => JsonSerializer.SerializeToElement(r)))}";

    [Fact]
    public async Task EveryScriptCommandAndEveryCommandTheSinkSendsParsesAndBinds()
    {
        var texts = EventhouseScripts.All
            .SelectMany(s => EventhouseScripts.Commands(s.Text, "ingest", "aadapp=11111111-2222-3333-4444-555555555555;contoso.com"))
            .Concat(SentTexts())
            .ToArray();

        var diagnostics = await KqlAnalyzer.AnalyzeAsync(texts, Database());

        Assert.True(texts.Length >= 20, $"only {texts.Length} texts");
        var found = texts.Zip(diagnostics).Where(p => p.Second.Count > 0).Select(p => $"{p.First}\n  -> {string.Join("; ", p.Second.Select(d => d.Message))}").ToArray();
        Assert.True(found.Length == 0, string.Join("\n\n", found));
    }

    [Fact]
    public async Task AMistakeInAScriptIsFound()
    {
        string[] broken =
        [
            ".create-or-alter function F() { FactEventUnique | summarise dcount(EventKey) by AgentID }",
            ".create-or-alter function G() { FactEventUnique | summarize dcount(EventKey) by Agent }",
        ];

        var diagnostics = await KqlAnalyzer.AnalyzeAsync(broken, Database());

        Assert.All(diagnostics, d => Assert.NotEmpty(d));
    }
}
