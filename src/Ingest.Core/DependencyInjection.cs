using Ingest.Core.Admin;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Backfill;
using Ingest.Core.Capture;
using Ingest.Core.Configuration;
using Ingest.Core.Embedded;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Ingest.Core.Telemetry;
using Ingest.Core.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ingest.Core;

public static class DependencyInjection
{
    /// <summary>
    /// The ingest pipeline, its settings, and the embedded in-memory stores as defaults (TryAdd): a real backend
    /// registered before this call keeps them out, one registered after replaces them.
    /// </summary>
    public static IServiceCollection AddCore(this IServiceCollection services, IConfiguration configuration)
    {
        CoreSettings.Add(services, configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddIngestMetrics();
        services.AddSingleton(sp => BusinessCalendar.ForZoneId(sp.GetRequiredService<IOptions<BusinessTimeOptions>>().Value.TimeZone));

        services.AddSingleton<FactMapper>();
        services.AddSingleton<RosterGate>();
        services.AddSingleton<LedgerStep>();
        services.AddSingleton<DimensionEnsurer>();
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton<Redriver>();
        services.AddSingleton<DeliveryProcessor>();

        services.AddSingleton<AdminRun>();
        services.AddSingleton<FactRecovery>();
        services.AddSingleton<QuarantineReport>();
        services.TryAddSingleton<IOwnerDirectory, NoOwnerDirectory>();
        services.AddSingleton<TableRefresh>();
        services.AddSingleton<DimAgentSync>();
        services.AddSingleton<DimMetricSync>();
        services.AddSingleton<DimMetricRollback>();
        services.AddSingleton<DimDateSeed>();
        services.AddSingleton<DimShiftSync>();
        services.TryAddSingleton<IAgentDirectory, UnconfiguredAgentDirectory>();

        services.TryAddSingleton<ILedger, InMemoryLedger>();
        services.TryAddSingleton<IRosterStore, InMemoryRosterStore>();
        services.TryAddSingleton<IQuarantineStore, InMemoryQuarantineStore>();
        services.TryAddSingleton<IShiftRuleStore, InMemoryShiftRuleStore>();
        services.TryAddSingleton<IDimRegistry, InMemoryDimRegistry>();
        services.TryAddSingleton<IFactSink, DirectFactSink>();
        services.TryAddSingleton<ISinkAvailability, AlwaysAvailable>();
        services.TryAddSingleton<ICaptureQueue, InMemoryCaptureQueue>();
        services.TryAddSingleton<IAdminVersionStore, InMemoryAdminVersionStore>();
        services.TryAddSingleton<IAuditLog, InMemoryAuditLog>();
        services.TryAddSingleton<INonceStore, InMemoryNonceStore>();
        services.TryAddSingleton<ITableLockStore, InMemoryTableLockStore>();
        services.TryAddSingleton<IDesiredStateStore, InMemoryDesiredStateStore>();
        return services;
    }
}
