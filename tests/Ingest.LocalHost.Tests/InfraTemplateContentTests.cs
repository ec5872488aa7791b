using System.Text.Json.Nodes;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// What main.bicep, compiled to ARM JSON by the Bicep CLI, deploys for two things the reviews fixed: claim-check
/// bodies are deleted by a lifecycle rule after the retention parameter's days, and HubSpot's webhook URL is built
/// from the function app's real host name. Read from the compiled template, so a literal in either fails here.
/// </summary>
[Trait("Category", "Slow")]
public sealed class InfraTemplateContentTests
{
    private static JsonObject OfType(JsonObject template, string type)
        => Assert.Single(BicepCli.Resources(template), r => r["type"]!.GetValue<string>() == type);

    private static ArmExpression Expression(JsonNode? node) => ArmExpression.Of(node!);

    [Fact]
    public async Task AClaimCheckLifecycleRuleDeletesTheCaptureContainersBlobsAfterTheRetentionParametersDays()
    {
        var main = await BicepCli.MainAsync();
        var settings = await BicepCli.AppSettingsAsync();
        var policy = OfType(main, "Microsoft.Storage/storageAccounts/managementPolicies");
        var storage = OfType(main, "Microsoft.Storage/storageAccounts");

        // The storage account's one management policy, named "default" as Azure requires.
        var name = Assert.IsType<ArmExpression.Call>(Expression(policy["name"]));
        Assert.True(name.Is("format", "{0}/{1}"), name.Render());
        Assert.Equal(Expression(storage["name"]).Render(), name.Arguments[1].Render());
        Assert.Equal("default", name.Arguments[2].String);

        var rule = Assert.Single(policy["properties"]!["policy"]!["rules"]!.AsArray(),
            r => r!["definition"]!["actions"]?["baseBlob"]?["delete"] is not null)!;
        Assert.True(rule["enabled"]!.GetValue<bool>());
        Assert.Equal("Lifecycle", rule["type"]!.GetValue<string>());
        Assert.Contains("blockBlob", rule["definition"]!["filters"]!["blobTypes"]!.AsArray().Select(t => t!.GetValue<string>()));

        // Only the claim-check container, the one the app writes bodies to.
        var container = settings["Capture__BlobContainer"].String;
        Assert.False(string.IsNullOrEmpty(container));
        var prefixes = rule["definition"]!["filters"]!["prefixMatch"]!.AsArray()
            .Select(p => ArmScope.OfDefaults(main).Evaluate(p)!.GetValue<string>()).ToArray();
        Assert.Equal([container + "/"], prefixes);
        Assert.Contains(BicepCli.Resources(main), r => r["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/blobServices/containers"
            && Expression(r["name"]) is ArmExpression.Call { Arguments: [.., var last] } && last.String == container);

        // The days are the parameter, not a number written into the rule; the app's own retention reads the same one.
        const string Retention = "parameters('claimCheckRetentionDays')";
        Assert.Equal(Retention, Expression(rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterCreationGreaterThan"]).Render());
        Assert.Equal("int", main["parameters"]!["claimCheckRetentionDays"]!["type"]!.GetValue<string>());
        Assert.Contains(settings["Capture__ClaimCheckRetention"].DescendantsAndSelf(), e => e.Render() == Retention);
    }

    [Fact]
    public async Task TheHubSpotWebhookUrlIsBuiltFromTheFunctionAppsDefaultHostName()
    {
        var main = await BicepCli.MainAsync();
        var settings = await BicepCli.AppSettingsAsync();
        var sites = main["resources"]!.AsObject().Where(p => p.Value!["type"]!.GetValue<string>() == "Microsoft.Web/sites").Select(p => p.Key).ToArray();
        var site = Assert.Single(sites);

        var url = settings["HUBSPOT_WEBHOOK_URL"];

        var built = Assert.Single(url.DescendantsAndSelf().OfType<ArmExpression.Call>(), c => c.Is("format", "https://{0}/api/webhook/hubspot"));
        Assert.Equal($"reference('{site}').defaultHostName", Assert.Single(built.Arguments.Skip(1)).Render());
        Assert.DoesNotContain(url.DescendantsAndSelf(), e => e.String?.Contains("azurewebsites.net", StringComparison.OrdinalIgnoreCase) == true);
        // The output ops paste into HubSpot's app settings is the same URL.
        Assert.Equal(built.Render(), Expression(main["outputs"]!["hubSpotWebhookUrl"]!["value"]).Render());
    }
}
