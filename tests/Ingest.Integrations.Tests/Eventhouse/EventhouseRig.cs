using Ingest.EventhouseEmulator;
using Ingest.Integrations.Eventhouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Tests.Eventhouse;

/// <summary>The Eventhouse sink as the app composes it, against the emulator over HTTP on loopback, bootstrapped.</summary>
public sealed class EventhouseRig : IAsyncDisposable
{
    public const string Database = "ingest";
    private readonly ServiceProvider _services;

    private EventhouseRig(EventhouseServer server, ServiceProvider services) => (Server, _services) = (server, services);

    public EventhouseServer Server { get; }
    public EmulatedEventhouse Emulator => Server.Emulator;
    public IServiceProvider Services => _services;
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<EventhouseRig> StartAsync(Dictionary<string, string?>? settings = null, bool bootstrap = true)
    {
        var server = await EventhouseServer.StartAsync(new EmulatedEventhouse());
        var values = new Dictionary<string, string?>
        {
            ["Eventhouse:QueryUri"] = server.BaseAddress.ToString(),
            ["Eventhouse:Database"] = Database,
            ["Eventhouse:Authentication"] = "None",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System)
            .AddEventhouse(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider();
        var rig = new EventhouseRig(server, services);
        if (bootstrap)
        {
            await rig.Get<EventhouseBootstrap>().ApplyAsync(Database, principal: null, CancellationToken.None);
        }

        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Server.DisposeAsync();
    }
}
