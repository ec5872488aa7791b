using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingest.PowerBiEmulator;

/// <summary>The emulator over real HTTP on a loopback port, for tests, benchmarks and the load tool.</summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, PushEmulator emulator)
    {
        _app = app;
        Emulator = emulator;
    }

    public PushEmulator Emulator { get; }

    /// <summary>The base address, such as http://127.0.0.1:53117/.</summary>
    public Uri BaseAddress { get; private init; } = null!;

    public static async Task<EmulatorServer> StartAsync(PushEmulator emulator, int port = 0)
    {
        var (app, address) = await StartOnLoopbackAsync(emulator, port);
        return new EmulatorServer(app, emulator) { BaseAddress = address };
    }

    /// <summary>Any sink emulator over real HTTP on a loopback port (0: any free one), quiet; returns its base address.</summary>
    public static async Task<(WebApplication App, Uri BaseAddress)> StartOnLoopbackAsync(IEmulatedSink emulator, int port = 0)
    {
        var app = CreateApp(emulator, [], builder =>
        {
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        });
        await app.StartAsync();
        return (app, new Uri(BoundAddresses(app).First().TrimEnd('/') + "/"));
    }

    /// <summary>The emulator as a web app: the <c>/local</c> inspection routes, and everything else to the push API.</summary>
    public static WebApplication CreateApp(IEmulatedSink emulator, string[] args, Action<WebApplicationBuilder> configure)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
        });
        configure(builder);
        var app = builder.Build();
        app.MapInspectionRoutes(_ => emulator);
        app.Map("/{**path}", (HttpContext context) => ServeAsync(emulator, context));
        return app;
    }

    public static IEnumerable<string> BoundAddresses(WebApplication app)
        => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;

    public static async Task ServeAsync(IEmulatedSink emulator, HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var answer = await emulator.HandleAsync(
            new EmulatorRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? string.Empty, buffer.ToArray(),
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)),
            context.RequestAborted);

        context.Response.StatusCode = answer.Status;
        context.Response.Headers["RequestId"] = Guid.NewGuid().ToString();
        if (answer.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = EmulatorHttpHandler.Seconds(retryAfter);
        }

        if (answer.Json is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(answer.Json, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
