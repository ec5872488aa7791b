using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ingest.PowerBiEmulator;

/// <summary>
/// The <c>/local</c> inspection routes of docs/contracts.md (tables, stats, faults) and latency (docs/deployment.md), served the same by the local host
/// over its embedded emulator and by the standalone emulator; never by the Functions app.
/// </summary>
public static class InspectionRoutes
{
    public sealed record FaultRequest(int? Status, int Count);

    public sealed record LatencyRequest(int Milliseconds);

    public static IEndpointRouteBuilder MapInspectionRoutes(this IEndpointRouteBuilder endpoints, Func<HttpContext, IEmulatedSink> emulatorOf)
    {
        var local = endpoints.MapGroup("/local");
        local.MapGet("/tables/{table}", (string table, HttpContext context)
            => Results.Json(new { table, rows = emulatorOf(context).Rows(table) }));

        local.MapGet("/stats", (HttpContext context) => Results.Json(new
        {
            tables = emulatorOf(context).Stats().ToDictionary(s => s.Key, s => new { rows = s.Value.Rows, posts = s.Value.Posts, throttled = s.Value.Throttled }),
        }));

        local.MapPost("/faults", async (HttpContext context) =>
        {
            var (fault, malformed) = await ReadAsync<FaultRequest>(context);
            if (malformed is not null)
            {
                return malformed;
            }

            if (fault is null || fault.Count < 0 || (fault.Count > 0 && fault.Status is not (>= 400 and <= 599)))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = ["status must be an HTTP error status (400-599) when count is above 0."],
                    ["count"] = ["count must be 0 or more."],
                });
            }

            emulatorOf(context).InjectFault(fault.Status ?? 0, fault.Count);
            return Results.Json(new { status = fault.Status, count = fault.Count });
        });

        // A slow Power BI for a process that cannot reach the emulator object: every POST rows held this long, 0 clears.
        local.MapPost("/latency", async (HttpContext context) =>
        {
            var (latency, malformed) = await ReadAsync<LatencyRequest>(context);
            if (malformed is not null)
            {
                return malformed;
            }

            if (latency is null || latency.Milliseconds < 0)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["milliseconds"] = ["milliseconds must be 0 or more."] });
            }

            emulatorOf(context).SetLatency(TimeSpan.FromMilliseconds(latency.Milliseconds));
            return Results.Json(new { milliseconds = latency.Milliseconds });
        });

        return endpoints;
    }

    /// <summary>The request's JSON body, or a 400 problem when it is not JSON.</summary>
    private static async Task<(T? Body, IResult? Malformed)> ReadAsync<T>(HttpContext context)
    {
        try
        {
            return (await context.Request.ReadFromJsonAsync<T>(JsonSerializerOptions.Web), null);
        }
        catch (JsonException e)
        {
            return (default, Results.Problem(e.Message, statusCode: 400, title: "Malformed JSON"));
        }
    }
}
