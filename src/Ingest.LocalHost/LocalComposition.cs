using Ingest.Core.Configuration;
using Ingest.Functions;
using Ingest.Integrations.Capture;
using Ingest.Integrations.PowerBi;
using Ingest.PowerBiEmulator;
using Microsoft.Extensions.Configuration.Memory;

namespace Ingest.LocalHost;

public static class LocalComposition
{
    /// <summary>What the local host assumes where the Functions app would not: below every other source, so any setting overrides it.</summary>
    private static readonly Dictionary<string, string?> HostDefaults = new() { ["Capture:Backend"] = StorageCaptureOptions.InMemory };

    /// <summary>The Functions app's composition on embedded defaults, plus the local-only services.</summary>
    public static WebApplicationBuilder AddLocalHost(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = HostDefaults });
        var local = new LocalHostOptions();
        configuration.GetSection(LocalHostOptions.Section).Bind(local);

        builder.Services.AddSettings<LocalHostOptions>(configuration, LocalHostOptions.Section);
        builder.Services.AddSingleton(sp => new PushEmulator(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddFunctionsApp(configuration);
        if (local.EmbeddedPowerBi)
        {
            builder.Services.ServePowerBiFrom(sp => new EmulatorHttpHandler(sp.GetRequiredService<PushEmulator>()));
        }

        builder.Services.AddMvcCore();
        builder.Services.AddHostedService<LocalRosterLoader>();
        builder.Services.AddHostedService<RedriveService>();
        return builder;
    }
}
