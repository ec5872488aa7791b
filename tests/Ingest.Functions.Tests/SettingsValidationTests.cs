using Ingest.Core.Configuration;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Tests;

/// <summary>Builds the Functions app's host as Program.cs does and proves a bad setting stops it, naming the setting.</summary>
public class SettingsValidationTests
{
    private static readonly Dictionary<string, string?> Good = new()
    {
        ["ALOWARE_WEBHOOK_TOKEN"] = "a-test-token",
        ["BUSINESS_TIME_ZONE"] = "America/Chicago",
        ["PowerBi:WorkspaceId"] = "ws",
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["ADMIN_HMAC_SECRET"] = "a-test-admin-secret-0001",
    };

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddFunctionsApp(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public void AnIdentityBasedStorageAccountStandsInForTheConnectionString()
    {
        var settings = new Dictionary<string, string?>(Good) { ["AzureWebJobsStorage"] = null, ["AzureWebJobsStorage:accountName"] = "ingeststore" };
        using var host = BuildHost(settings);

        host.Services.ValidateSettings();
        Assert.Equal("ingeststore", host.Services.GetRequiredService<IOptions<Integrations.Capture.StorageCaptureOptions>>().Value.AccountName);
    }

    [Theory]
    [InlineData(null, null, null, "DynamoDb__Enabled=true")]
    [InlineData("false", "false", null, "DynamoDb__Enabled=true")]
    [InlineData("true", null, null, null)]
    [InlineData("true", null, "StorageQueue", null)]
    [InlineData("true", null, "InMemory", "Capture__Backend=InMemory")]
    [InlineData(null, "true", null, null)]
    [InlineData(null, "true", "InMemory", null)]
    public void TheFunctionsAppRefusesInMemoryStateUnlessToldItIsATest(string? enabled, string? allowInMemory, string? captureBackend, string? refusalNames)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DynamoDb:Enabled"] = enabled,
            ["DynamoDb:AllowInMemory"] = allowInMemory,
            ["Capture:Backend"] = captureBackend,
        }).Build();

        var refusal = Configuration.InMemoryStateGuard.Refusal(configuration);

        if (refusalNames is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Contains(refusalNames, refusal);
        }
    }

    [Fact]
    public void GoodSettingsValidate()
    {
        using var host = BuildHost(Good);

        host.Services.ValidateSettings();
    }

    [Theory]
    [InlineData("ALOWARE_WEBHOOK_TOKEN", "", "ALOWARE_WEBHOOK_TOKEN")]
    [InlineData("BUSINESS_TIME_ZONE", "Mars/Olympus_Mons", "BUSINESS_TIME_ZONE")]
    [InlineData("Webhook:MaxBodyBytes", "12", "Webhook__MaxBodyBytes")]
    [InlineData("Ledger:LeaseDuration", "-00:01:00", "Ledger__LeaseDuration")]
    [InlineData("PowerBi:BaseUrl", "not a url", "PowerBi__BaseUrl")]
    [InlineData("PowerBi:WorkspaceId", "", "PowerBi__WorkspaceId")]
    [InlineData("Capture:MaxDequeueCount", "0", "Capture__MaxDequeueCount")]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage")]
    [InlineData("ADMIN_HMAC_SECRET", "short", "ADMIN_HMAC_SECRET")]
    [InlineData("ADMIN_IP_ALLOWLIST", "10.0.0.0/40", "ADMIN_IP_ALLOWLIST")]
    [InlineData("Capture:Backend", "Kafka", "Capture__Backend")]
    [InlineData("PowerBi:Writer:MaxRowsPerPost", "20000", "PowerBi__Writer__MaxRowsPerPost")]
    [InlineData("Logging:Level", "Chatty", "Logging__Level")]
    [InlineData("HUBSPOT_CLIENT_SECRET", "a-secret", "HUBSPOT_WEBHOOK_URL")]
    [InlineData("Metrics:EmailsSource", "gmail", "Metrics__EmailsSource")]
    [InlineData("Capture:RedriveConcurrency", "0", "Capture__RedriveConcurrency")]
    [InlineData("Capture:Deadline", "00:05:00", "Capture__Deadline")]
    [InlineData("Webhook:ProcessingDeadline", "00:02:00", "Webhook__ProcessingDeadline")]
    [InlineData("PowerBi:Authentication", "None", "PowerBi__Authentication")] // against api.powerbi.com: no token, refused
    [InlineData("ALOWARE_WEBHOOK_TOKEN", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/aloware-token/)", "ALOWARE_WEBHOOK_TOKEN")]
    [InlineData("ADMIN_HMAC_SECRET", "@Microsoft.KeyVault(VaultName=kv;SecretName=admin-hmac)", "ADMIN_HMAC_SECRET")]
    [InlineData("PowerBi:WorkspaceId", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/ws/)", "PowerBi__WorkspaceId")]
    public void ABadSettingFailsTheStartNamingTheSetting(string key, string value, string named)
    {
        using var host = BuildHost(new Dictionary<string, string?>(Good) { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.ValidateSettings());

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void DynamoDbEnabledWithoutARegionFailsTheStart()
    {
        using var host = BuildHost(new Dictionary<string, string?>(Good) { ["DynamoDb:Enabled"] = "true" });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.ValidateSettings());

        Assert.Contains("DynamoDb__Region", error.Message);
    }

    [Fact]
    public void SectionSettingsBindWithDoubleUnderscoreEnvironmentNames()
    {
        Environment.SetEnvironmentVariable("Webhook__MaxBodyBytes", "2048");
        try
        {
            var builder = FunctionsApplication.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(Good);
            builder.Configuration.AddEnvironmentVariables();
            builder.Services.AddFunctionsApp(builder.Configuration);
            using var host = builder.Build();

            Assert.Equal(2048, host.Services.GetRequiredService<IOptions<Configuration.WebhookOptions>>().Value.MaxBodyBytes);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Webhook__MaxBodyBytes", null);
        }
    }
}
