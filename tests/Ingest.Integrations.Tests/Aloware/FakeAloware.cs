using Ingest.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ingest.Integrations.Tests.Aloware;

/// <summary>
/// Aloware's users endpoint over real HTTP on loopback, as measured: the token in <c>api_token</c> (a Bearer header
/// gets 401), every user unpaginated; plus a ring-group members URL. It can answer 503 a few times first.
/// </summary>
public sealed class FakeAloware : IAsyncDisposable
{
    public const string Token = "fake-aloware-token";

    private readonly WebApplication _app;
    private int _failuresLeft;

    private FakeAloware(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int UserRequests;

    public List<object> Users { get; } =
    [
        new { id = 101, name = "Ana Ruiz", email = "ana@example.com", agent_status = 1 },
        new { id = 102, name = "Ben Ode", email = "ben@example.com", agent_status = 2 },
        new { id = 205, name = "", email = "c@example.com", agent_status = 1 },
    ];

    public long[] Members { get; set; } = [101, 205];

    public void FailNext(int count) => _failuresLeft = count;

    public static async Task<FakeAloware> StartAsync()
    {
        var app = LoopbackApp.Create();
        var fake = new FakeAloware(app);
        app.MapGet("/api/v1/webhook/users", (HttpContext context) =>
        {
            Interlocked.Increment(ref fake.UserRequests);
            if (Interlocked.Decrement(ref fake._failuresLeft) >= 0)
            {
                return Results.StatusCode(503);
            }

            return context.Request.Query["api_token"] == Token && !context.Request.Headers.ContainsKey("Authorization")
                ? Results.Json(fake.Users)
                : Results.Json(new { message = "Unauthenticated." }, statusCode: 401);
        });
        app.MapGet("/ring-groups/{id:long}/members", (long id, HttpContext context) =>
            id == 7 && context.Request.Query["api_token"] == Token ? Results.Json(fake.Members.Select(m => new { id = m })) : Results.NotFound());
        fake.BaseAddress = await LoopbackApp.StartAsync(app);
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
