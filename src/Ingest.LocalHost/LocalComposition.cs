using Ingest.Core.Configuration;
using Ingest.Functions;
using Ingest.Integrations.Capture;
using Ingest.Integrations.Eventhouse;
using Ingest.Integrations.PowerBi;
using Ingest.Integrations.Sinks;
using Ingest.PowerBiEmulator;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ingest.LocalHost;

public static class LocalComposition
{
    /// <summary>What the local host assumes where the Functions app would not: below every other source, so any setting overrides it.</summary>
    private static readonly Dictionary<string, string?> HostDefaults = new() { ["Capture:Backend"] = StorageCaptureOptions.InMemory };

    /// <summary>The embedded Eventhouse emulator's database, reached without a token; any setting overrides them too.</summary>
    private static readonly Dictionary<string, string?> EmbeddedEventhouseDefaults = new(HostDefaults)
    {
        ["Eventhouse:Database"] = "ingest",
        ["Eventhouse:Authentication"] = "None",
    };

    /// <summary>The Functions app's composition on embedded defaults, plus the local-only services.</summary>
    public static WebApplicationBuilder AddLocalHost(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var embeddedEventhouse = SettingsBinding.Read<SinkOptions>(configuration, SinkOptions.Section).IsEventhouse && string.IsNullOrEmpty(configuration["Eventhouse:QueryUri"]);
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = embeddedEventhouse ? EmbeddedEventhouseDefaults : HostDefaults });
        var local = new LocalHostOptions();
        configuration.GetSection(LocalHostOptions.Section).Bind(local);

        builder.Services.AddSettings<LocalHostOptions>(configuration, LocalHostOptions.Section);
        builder.Services.AddSingleton(sp => new PushEmulator(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddFunctionsApp(configuration);
        if (embeddedEventhouse)
        {
            AddEmbeddedEventhouse(builder.Services);
        }
        else if (local.EmbeddedPowerBi)
        {
            builder.Services.ServePowerBiFrom(sp => new EmulatorHttpHandler(sp.GetRequiredService<PushEmulator>()));
        }

        builder.Services.TryAddSingleton<IEmulatedSink>(sp => sp.GetRequiredService<PushEmulator>()); // what /local reads when no emulator is embedded

        builder.Services.AddMvcCore();
        builder.Services.AddHostedService<LocalRosterLoader>();
        builder.Services.AddHostedService<RedriveService>();
        return builder;
    }

    /// <summary>
    /// With no <c>Eventhouse__QueryUri</c>, the Eventhouse is the in-process emulator, bootstrapped at start, and the
    /// <c>/local</c> routes read it; with one, the app talks to that Eventhouse (or a standalone emulator).
    /// </summary>
    private static void AddEmbeddedEventhouse(IServiceCollection services)
    {
        services.AddSingleton(sp => new Ingest.EventhouseEmulator.EmulatedEventhouse(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IEmulatedSink>(sp => sp.GetRequiredService<Ingest.EventhouseEmulator.EmulatedEventhouse>());
        services.ServeEventhouseFrom(sp => new EmulatorHttpHandler(sp.GetRequiredService<Ingest.EventhouseEmulator.EmulatedEventhouse>()));
        services.PostConfigure<EventhouseOptions>(o => o.Bootstrap = true);
    }
}
