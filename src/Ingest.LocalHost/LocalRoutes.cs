using System.Text.Json;
using Ingest.PowerBiEmulator;

namespace Ingest.LocalHost;

/// <summary>The <c>/local</c> inspection routes of DESIGN.md: only on the local host, never in the Functions app.</summary>
public static class LocalRoutes
{
    public sealed record FaultRequest(int? Status, int Count);

    public static IEndpointRouteBuilder MapLocalRoutes(this IEndpointRouteBuilder endpoints)
    {
        var local = endpoints.MapGroup("/local");
        local.MapGet("/tables/{table}", (string table, PushEmulator emulator)
            => Results.Json(new { table, rows = emulator.Rows(table) }));

        local.MapGet("/stats", (PushEmulator emulator) => Results.Json(new
        {
            tables = emulator.Stats().ToDictionary(s => s.Key, s => new { rows = s.Value.Rows, posts = s.Value.Posts, throttled = s.Value.Throttled }),
        }));

        local.MapPost("/faults", async (HttpRequest request, PushEmulator emulator) =>
        {
            FaultRequest? fault;
            try
            {
                fault = await request.ReadFromJsonAsync<FaultRequest>(JsonSerializerOptions.Web);
            }
            catch (JsonException e)
            {
                return Results.Problem(e.Message, statusCode: 400, title: "Malformed JSON");
            }

            if (fault is null || fault.Count < 0 || (fault.Count > 0 && fault.Status is not (>= 400 and <= 599)))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = ["status must be an HTTP error status (400-599) when count is above 0."],
                    ["count"] = ["count must be 0 or more."],
                });
            }

            emulator.InjectFault(fault.Status ?? 0, fault.Count);
            return Results.Json(new { status = fault.Status, count = fault.Count });
        });

        return endpoints;
    }
}
