using Amazon.DynamoDBv2;
using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Ingest.Integrations.DynamoDb;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations;

public static class DependencyInjection
{
    /// <summary>
    /// Power BI over REST. <paramref name="primaryHandler"/> lets the local host serve the client from its
    /// in-process emulator, so the same client code runs there as in production.
    /// </summary>
    public static IServiceCollection AddPowerBi(
        this IServiceCollection services,
        IConfiguration configuration,
        Func<IServiceProvider, HttpMessageHandler>? primaryHandler = null)
    {
        services.AddSettings<PowerBiOptions>(configuration, PowerBiOptions.Section)
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "PowerBi__BaseUrl must be an absolute URL.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.WorkspaceId), "PowerBi__WorkspaceId must name the workspace (group) id.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DatasetName), "PowerBi__DatasetName must not be empty.")
            .Validate(o => o.RetentionPolicy is "None" or "basicFIFO", "PowerBi__RetentionPolicy must be None or basicFIFO.");

        var client = services.AddHttpClient(PowerBiRestClient.HttpClientName, (sp, http) =>
        {
            var baseUrl = sp.GetRequiredService<IOptions<PowerBiOptions>>().Value.BaseUrl;
            http.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
        });
        if (primaryHandler is not null)
        {
            client.ConfigurePrimaryHttpMessageHandler(primaryHandler);
        }

        services.AddSingleton<PowerBiRestClient>();
        services.AddSingleton<DatasetBootstrap>();
        services.AddSingleton<IPushTables, PowerBiTables>();
        return services;
    }

    /// <summary>
    /// DynamoDB for the ledger and every stored record when <c>DynamoDb__Enabled</c> is true; otherwise the
    /// embedded in-memory stores stay. Call before the core registers its defaults, or after: these replace them.
    /// </summary>
    public static IServiceCollection AddDynamoDbState(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DynamoDbOptions>(configuration, DynamoDbOptions.Section)
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.Region), "DynamoDb__Region must name the AWS region (e.g. us-east-1).")
            .Validate(o => !o.Enabled || string.IsNullOrWhiteSpace(o.ServiceUrl) || Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out _), "DynamoDb__ServiceUrl must be an absolute URL when set.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.TableName), "DynamoDb__TableName must not be empty.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero && o.MaxErrorRetry >= 0, "DynamoDb__RequestTimeout must be positive and DynamoDb__MaxErrorRetry not negative.");

        if (!configuration.GetSection(DynamoDbOptions.Section).GetValue<bool>(nameof(DynamoDbOptions.Enabled)))
        {
            return services;
        }

        services.AddSingleton(sp => DynamoClientFactory.Create(sp.GetRequiredService<IOptions<DynamoDbOptions>>().Value));
        services.AddSingleton<DynamoDocuments>();
        services.AddSingleton<StateTableProvisioner>();
        services.AddHostedService(sp => sp.GetRequiredService<StateTableProvisioner>());
        services.AddSingleton<ILedger, DynamoLedger>();
        services.AddSingleton<IRosterStore, DynamoRosterStore>();
        services.AddSingleton<IShiftRuleStore, DynamoShiftRuleStore>();
        services.AddSingleton<IDimRegistry, DynamoDimRegistry>();
        services.AddSingleton<IQuarantineStore, DynamoQuarantineStore>();
        services.AddSingleton<IAdminVersionStore, DynamoAdminVersionStore>();
        services.AddSingleton<IAuditLog, DynamoAuditLog>();
        services.AddSingleton<INonceStore, DynamoNonceStore>();
        services.AddSingleton<ITableLockStore, DynamoTableLockStore>();
        services.AddSingleton<IPushBudget, DynamoPushBudget>();
        return services;
    }
}
