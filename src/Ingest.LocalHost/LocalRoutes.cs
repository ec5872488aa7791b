using Ingest.PowerBiEmulator;

namespace Ingest.LocalHost;

/// <summary>The <c>/local</c> inspection routes (docs/contracts.md, "Local inspection routes") over the embedded emulator of the sink in use: only on the local host, never in the Functions app.</summary>
public static class LocalRoutes
{
    public static IEndpointRouteBuilder MapLocalRoutes(this IEndpointRouteBuilder endpoints)
        => endpoints.MapInspectionRoutes(context => context.RequestServices.GetRequiredService<IEmulatedSink>());
}
