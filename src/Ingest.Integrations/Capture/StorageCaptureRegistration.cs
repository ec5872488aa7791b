using Ingest.Core.Capture;
using Ingest.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Capture;

public static class StorageCaptureRegistration
{
    /// <summary>
    /// The capture queue on Azure Storage when <c>Capture__Backend</c> is <c>StorageQueue</c> (the default; the local
    /// host defaults to <c>InMemory</c>); otherwise the embedded in-memory queue stays.
    /// </summary>
    public static IServiceCollection AddStorageCapture(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<StorageCaptureOptions, StorageCaptureRules>(configuration, CaptureOptions.Section);
        if (SettingsBinding.Read<StorageCaptureOptions>(configuration, CaptureOptions.Section).Backend != StorageCaptureOptions.StorageQueue)
        {
            return services;
        }

        services.AddSingleton<StorageQueueCaptureQueue>();
        services.AddSingleton<ICaptureQueue>(sp => sp.GetRequiredService<StorageQueueCaptureQueue>());
        services.AddSingleton<ITriggeredCaptures>(sp => sp.GetRequiredService<StorageQueueCaptureQueue>());
        services.AddSingleton<TriggeredRedrive>();
        services.AddHostedService<CaptureQueueProvisioner>();
        services.AddDependencyCheck<CaptureQueueProbe>(CaptureQueueProbe.Name, optional: false);
        return services;
    }
}
