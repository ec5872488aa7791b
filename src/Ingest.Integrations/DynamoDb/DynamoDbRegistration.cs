using Amazon.DynamoDBv2;
using Ingest.Core.Configuration;
using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.DynamoDb;

public static class DynamoDbRegistration
{
    /// <summary>
    /// DynamoDB for the ledger and every stored record when <c>DynamoDb__Enabled</c> is true; otherwise the
    /// embedded in-memory stores stay. Call before the core registers its defaults, or after: these replace them.
    /// </summary>
    public static IServiceCollection AddDynamoDbState(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DynamoDbOptions, DynamoDbRules>(configuration, DynamoDbOptions.Section);
        if (!SettingsBinding.Read<DynamoDbOptions>(configuration, DynamoDbOptions.Section).Enabled)
        {
            return services;
        }

        services.AddDefaultAWSOptions(sp => DynamoClientFactory.AwsOptions(sp.GetRequiredService<IOptions<DynamoDbOptions>>().Value));
        services.AddAWSService<IAmazonDynamoDB>();
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
        services.AddSingleton<IDesiredStateStore, DynamoDesiredStateStore>();
        services.AddDependencyCheck<DynamoProbe>(DynamoProbe.Name, optional: true);
        return services;
    }
}
