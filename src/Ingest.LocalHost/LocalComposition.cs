using Ingest.Core.Configuration;
using Ingest.Functions;
using Ingest.PowerBiEmulator;

namespace Ingest.LocalHost;

public static class LocalComposition
{
    /// <summary>The Functions app's composition on embedded defaults, plus the local-only services.</summary>
    public static WebApplicationBuilder AddLocalHost(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var local = new LocalHostOptions();
        configuration.GetSection(LocalHostOptions.Section).Bind(local);

        builder.Services.AddSettings<LocalHostOptions>(configuration, LocalHostOptions.Section);
        builder.Services.AddSingleton(sp => new PushEmulator(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddIngestApp(configuration, local.EmbeddedPowerBi ? sp => new EmulatorHttpHandler(sp.GetRequiredService<PushEmulator>()) : null, captureBackend: "InMemory");
        builder.Services.AddMvcCore();
        builder.Services.AddHostedService<LocalRosterLoader>();
        builder.Services.AddHostedService<RedriveService>();
        return builder;
    }
}
