using Ingest.Core.Configuration;
using Ingest.Functions;

namespace Ingest.LocalHost;

/// <summary><c>dotnet run</c>: the Functions app's HTTP functions on embedded defaults, plus the <c>/local</c> routes.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var app = Build(args);
        app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
        app.Run();
    }

    /// <summary>The whole local host, ready to start: also used by the load tool to run it in process.</summary>
    /// <param name="services">Registrations that replace the host's own (the load tool's naive writer, for comparison).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddLocalHost();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.Services.ValidateSettings();
        app.MapHttpFunctions(typeof(WebhookFunction).Assembly);
        app.MapLocalRoutes();
        return app;
    }
}
