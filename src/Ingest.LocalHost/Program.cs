using Ingest.Core.Configuration;
using Ingest.Functions;

namespace Ingest.LocalHost;

/// <summary><c>dotnet run</c>: the Functions app's HTTP functions on embedded defaults, plus the <c>/local</c> routes.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLocalHost();

        var app = builder.Build();
        app.Services.ValidateSettings();
        app.MapHttpFunctions(typeof(WebhookFunction).Assembly);
        app.MapLocalRoutes();
        app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
        app.Run();
    }
}
