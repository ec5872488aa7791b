using System.Text.Json;
using System.Text.RegularExpressions;
using Ingest.Core.Configuration;
using Ingest.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// The settings the code reads (from the options classes each host binds) agree with what docs/configuration.md's table,
/// local.settings.sample.json and the Bicep app settings name: none missing, none stale.
/// </summary>
public sealed partial class SettingsAgreementTests
{
    /// <summary>Settings the platform or an SDK reads, not this code: listed where they are set, never in the catalog.</summary>
    // Read by the platform or the SDKs (identity wiring, telemetry, AWS keys), not by an options class.
    private static readonly HashSet<string> Platform = ["FUNCTIONS_WORKER_RUNTIME", "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AZURE_CLIENT_ID"];

    /// <summary>Read by the Functions app but not set in Azure, each for a reason.</summary>
    private static readonly Dictionary<string, string> NotInAzure = new()
    {
        ["AzureWebJobsStorage"] = "Azure uses the identity-based AzureWebJobsStorage__accountName",
        ["Capture__Connection"] = "same: no connection strings, the managed identity reaches storage",
        ["Capture__AccountName"] = "AzureWebJobsStorage__accountName serves",
        ["Capture__PollInterval"] = "the local host's redrive loop; the queue trigger polls in Azure",
        ["Capture__RedriveConcurrency"] = "same",
        ["DynamoDb__ServiceUrl"] = "DynamoDB Local only",
        ["DynamoDb__CreateTable"] = "local and tests only; CloudFormation creates the table",
    };

    private static readonly string Root = Ingest.Testing.ExternalTool.RepositoryRoot;

    /// <summary>Each sink registers its own settings, so the app's are those of both compositions.</summary>
    private static readonly Dictionary<string, string?>[] BothSinks = [[], new() { ["Sink:Kind"] = "Eventhouse" }];

    private static IReadOnlySet<string> FunctionsApp() => BothSinks.SelectMany(sink =>
    {
        var services = new ServiceCollection();
        services.AddFunctionsApp(new ConfigurationBuilder().AddInMemoryCollection(sink).Build());
        return SettingsCatalog.Names(Declarations(services));
    }).ToHashSet();

    private static IReadOnlySet<string> LocalHost() => BothSinks.SelectMany(sink =>
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(sink);
        builder.AddLocalHost();
        return SettingsCatalog.Names(Declarations(builder.Services));
    }).ToHashSet();

    private static IEnumerable<SettingsDeclaration> Declarations(IServiceCollection services)
        => services.Where(d => d.ServiceType == typeof(SettingsDeclaration)).Select(d => (SettingsDeclaration)d.ImplementationInstance!);

    [Fact]
    public void TheCatalogSeesFlatNamesFallbacksAndNestedSections()
    {
        var names = FunctionsApp();

        Assert.Contains("ALOWARE_WEBHOOK_TOKEN", names);
        Assert.Contains("AzureWebJobsStorage", names);
        Assert.Contains("PowerBi__Writer__BreakerOpenFor", names);
        Assert.DoesNotContain("Webhook__AlowareToken", names);
        Assert.DoesNotContain("PowerBi__Writer", names);
        Assert.DoesNotContain("LOCAL_ROSTER_FILE", names);
        Assert.Contains("LOCAL_ROSTER_FILE", LocalHost());
        Assert.Contains("Eventhouse__Writer__MaxConcurrentRequests", names);
        Assert.Contains("Sink__Kind", names);
    }

    [Fact]
    public void TheReadmeTableNamesEverySettingOfBothHostsAndNothingElse()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        var table = readme[readme.IndexOf("| setting | default | meaning |", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", StringComparison.Ordinal)];
        var documented = table.Split('\n').Skip(2)
            .SelectMany(row => Backticked().Matches(row.Split('|')[1]).Select(m => m.Groups[1].Value))
            .Where(n => !Platform.Contains(n))
            .ToHashSet();

        AssertSame(LocalHost(), documented, "docs/configuration.md's settings table");
    }

    [Fact]
    public void LocalSettingsSampleNamesEveryFunctionsSetting()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var named = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).Where(n => !Platform.Contains(n)).ToHashSet();

        AssertSame(FunctionsApp(), named, "local.settings.sample.json");
    }

    [Fact]
    public void TheBicepAppSettingsNameEveryFunctionsSettingMeantForAzure()
    {
        var bicep = File.ReadAllText(Path.Combine(Root, "infra", "azure", "main.bicep"));
        var named = BicepSetting().Matches(bicep).Select(m => m.Groups[1].Value).Where(n => !Platform.Contains(n)).ToHashSet();
        var expected = FunctionsApp().Where(n => !NotInAzure.ContainsKey(n)).ToHashSet();

        AssertSame(expected, named, "infra/azure/main.bicep");
    }

    [Fact]
    public void HostJsonKeepsTheRedriveAndTheLedgerConsistent()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");
        var functionTimeout = TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        // The local host's redrive poisons after the same number of attempts as the queue trigger.
        Assert.Equal(new Core.Capture.CaptureOptions().MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        // A live worker must never hold a claim past its lease, or a second worker could post the same fact: DimDate is
        // ensured before the claim, so at most a third of the lease waiting for the FactEvent POST, a wait for a
        // pending-POST slot, the POST, and the complete with its retries.
        var lease = new LedgerOptions().LeaseDuration;
        var longestHold = lease / 3 + Integrations.PowerBi.PendingPostGate.MaxWait + Integrations.PowerBi.PowerBiRestClient.RequestTimeout
            + Core.Pipeline.LedgerStep.CompleteRetryDelays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d)
            + (Core.Pipeline.LedgerStep.CompleteRetryDelays.Length + 1) * new Integrations.DynamoDb.DynamoDbOptions().RequestTimeout;
        Assert.True(longestHold < lease, $"a claim may be held {longestHold}, longer than the ledger lease {lease}");
        Assert.True(functionTimeout > longestHold, $"functionTimeout {functionTimeout} would stop a worker that still holds claims");
        // The trigger must read the base64 the capture client writes; and Aloware never retries, so the host must not shed load with 429s.
        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.False(host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("dynamicThrottlesEnabled").GetBoolean());
    }

    private static void AssertSame(IEnumerable<string> read, IReadOnlySet<string> listed, string where)
    {
        var missing = read.Where(n => !listed.Contains(n)).ToArray();
        var stale = listed.Where(n => !read.Contains(n)).ToArray();
        Assert.True(missing.Length == 0 && stale.Length == 0,
            $"{where} disagrees with the code. Missing: {string.Join(", ", missing)}. Not read by the code: {string.Join(", ", stale)}.");
    }

    [GeneratedRegex("`([A-Za-z_][A-Za-z0-9_]*)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"\{ name: '([A-Za-z_][A-Za-z0-9_]*)', value:")]
    private static partial Regex BicepSetting();
}
