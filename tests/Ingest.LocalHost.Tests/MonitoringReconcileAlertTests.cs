using System.Text.Json.Nodes;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// A failed daily HubSpot reconciliation raises an alert as a poisoned delivery does: a log alert on the counter the
/// timer function records (<c>ingest.reconcile.failed</c>), which stays fired until ops resolve it. That its query
/// parses and binds is MonitoringKqlTests'; that the function records the counter, DailyHubSpotReconcileFunctionTests'.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MonitoringReconcileAlertTests
{
    private static async Task<JsonNode> AlertAsync(string key)
    {
        var monitoring = await BicepCli.MonitoringAsync();
        var alerts = monitoring.Evaluate(ArmExpression.Of("[variables('alerts')]"))!.AsArray();
        return alerts.SingleOrDefault(a => a!["key"]!.GetValue<string>() == key) ?? throw new Xunit.Sdk.XunitException($"No alert '{key}' in the compiled template.");
    }

    [Fact]
    public async Task AFailedReconciliationRaisesAnAlertThatStaysUntilResolvedAsAPoisonedDeliveryDoes()
    {
        var poisoned = await AlertAsync("poisoned");
        var reconcile = await AlertAsync("reconcile");

        Assert.Equal("customMetrics | where name == \"ingest.reconcile.failed\" | summarize value = sum(valueSum)", reconcile["query"]!.GetValue<string>());
        Assert.Equal(0, reconcile["threshold"]!.GetValue<int>());
        // The timer runs once a day: a failure stays fired (as a poisoned delivery does) until someone reruns the day.
        Assert.False(reconcile["autoMitigate"]!.GetValue<bool>());
        Assert.False(poisoned["autoMitigate"]!.GetValue<bool>());
        Assert.Equal(poisoned["frequency"]!.GetValue<string>(), reconcile["frequency"]!.GetValue<string>());
        Assert.Contains("docs/operations.md", reconcile["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryRuleTakesItsAutoMitigationFromItsAlert()
    {
        var monitoring = await BicepCli.MonitoringAsync();
        var rules = BicepCli.Resources(monitoring.Template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/scheduledQueryRules");

        Assert.Equal("[variables('alerts')[copyIndex()].autoMitigate]", rules["properties"]!["autoMitigate"]!.GetValue<string>());
        Assert.Equal("[length(variables('alerts'))]", rules["copy"]!["count"]!.GetValue<string>());
    }
}
