using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ingest.Testing;

/// <summary>
/// HubSpot's CRM API over real HTTP on loopback, as HUBSPOT.md describes it: Bearer private-app token, batch reads
/// of up to 100 emails or tickets, the CRM search (filters, sorted pages of at most 100, 400 past
/// <see cref="MaxSearchResults"/>), the ticket pipelines with each stage's <c>ticketState</c>, the owners (paged two
/// at a time, so paging is exercised), and 429 with <c>Retry-After: 1</c> beyond a per-10-second budget.
/// </summary>
public sealed class FakeHubSpot : IAsyncDisposable
{
    public const string Token = "fake-hubspot-private-app-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<DateTimeOffset> _recent = new();
    private int _requests, _throttled, _largestBatch, _throttleNext;

    private FakeHubSpot(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public ConcurrentDictionary<long, Dictionary<string, string?>> Emails { get; } = new();
    public ConcurrentDictionary<long, Dictionary<string, string?>> Tickets { get; } = new();

    /// <summary>Stage id → ticketState (OPEN or CLOSED), in one pipeline.</summary>
    public ConcurrentDictionary<string, string> Stages { get; } = new(new Dictionary<string, string> { ["1"] = "OPEN", ["2"] = "OPEN", ["4"] = "CLOSED" });

    /// <summary>Owner id → email.</summary>
    public ConcurrentDictionary<string, string> Owners { get; } = new();

    /// <summary>Batch reads answer none of the objects asked for, as a wrong read would (the search still finds them).</summary>
    public bool BatchReadsFindNothing { get; set; }

    /// <summary>Requests allowed per 10 seconds before 429; null for no limit.</summary>
    public int? Budget { get; set; }

    /// <summary>The next <paramref name="count"/> requests answer 429, as when another integration spent the budget.</summary>
    public void ThrottleNext(int count) => Volatile.Write(ref _throttleNext, count);

    public int Requests => Volatile.Read(ref _requests);
    public int Throttled => Volatile.Read(ref _throttled);
    public int LargestBatch => Volatile.Read(ref _largestBatch);

    public void AddEmail(long id, string ownerId, string direction, DateTimeOffset at)
        => Emails[id] = new() { ["hubspot_owner_id"] = ownerId, ["hs_email_direction"] = direction, ["hs_timestamp"] = at.ToString("O") };

    public void AddTicket(long id, string ownerId, string stage, DateTimeOffset? closedAt = null)
        => Tickets[id] = new() { ["hubspot_owner_id"] = ownerId, ["hs_pipeline"] = "0", ["hs_pipeline_stage"] = stage, ["closed_date"] = closedAt?.ToString("O") };

    /// <summary>HubSpot answers 400 past this many results of one search query.</summary>
    public int MaxSearchResults { get; set; } = 10_000;

    /// <summary>When each search request arrived, to check the caller's pacing.</summary>
    public ConcurrentQueue<DateTimeOffset> Searches { get; } = new();

    /// <summary>Each ticket's stage changes, oldest first, returned (newest first, as HubSpot does) when history is asked for.</summary>
    public ConcurrentDictionary<long, List<(string Stage, DateTimeOffset At)>> StageHistory { get; } = new();

    /// <summary>A ticket that went through these stages, in order; it is now in the last one.</summary>
    public void AddTicketHistory(long id, string ownerId, params (string Stage, DateTimeOffset At)[] stages)
    {
        // closed_date is set each time the ticket enters a closed stage: its latest close.
        var closedAt = stages.Where(s => Stages.GetValueOrDefault(s.Stage) == "CLOSED").Select(s => (DateTimeOffset?)s.At).LastOrDefault();
        AddTicket(id, ownerId, stages[^1].Stage, closedAt);
        StageHistory[id] = [.. stages];
    }

    public static async Task<FakeHubSpot> StartAsync()
    {
        var app = LoopbackApp.Create();
        var fake = new FakeHubSpot(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref fake._requests);
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsJsonAsync(new { status = "error", category = "INVALID_AUTHENTICATION" });
                return;
            }

            if (Interlocked.Decrement(ref fake._throttleNext) >= 0 || fake.OverBudget())
            {
                Interlocked.Increment(ref fake._throttled);
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsJsonAsync(new { status = "error", category = "RATE_LIMITS" });
                return;
            }

            await next(context);
        });
        app.MapPost("/crm/v3/objects/{type}/batch/read", async (string type, HttpContext context) =>
        {
            var request = await JsonDocument.ParseAsync(context.Request.Body);
            var ids = request.RootElement.GetProperty("inputs").EnumerateArray().Select(i => long.Parse(i.GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (ids.Length > 100)
            {
                return Results.Json(new { status = "error", message = "at most 100 inputs" }, statusCode: 400);
            }

            InterlockedMax(ref fake._largestBatch, ids.Length);
            var store = type == "emails" ? fake.Emails : fake.Tickets;
            var withHistory = request.RootElement.TryGetProperty("propertiesWithHistory", out var asked) && asked.EnumerateArray().Any(p => p.GetString() == "hs_pipeline_stage");
            var results = ids.Where(id => !fake.BatchReadsFindNothing && store.ContainsKey(id)).Select(id => new
            {
                id = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                properties = store[id],
                propertiesWithHistory = withHistory && type == "tickets" && fake.StageHistory.TryGetValue(id, out var history)
                    ? new Dictionary<string, object> { ["hs_pipeline_stage"] = history.AsEnumerable().Reverse().Select(h => new { value = h.Stage, timestamp = h.At.ToString("O"), sourceType = "CRM_UI" }) }
                    : null,
            });
            return Results.Json(new { status = "COMPLETE", results });
        });
        app.MapPost("/crm/v3/objects/{type}/search", async (string type, HttpContext context) =>
        {
            fake.Searches.Enqueue(DateTimeOffset.UtcNow);
            var request = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement;
            var filters = request.GetProperty("filterGroups")[0].GetProperty("filters").EnumerateArray().ToArray();
            var sort = request.GetProperty("sorts")[0].GetProperty("propertyName").GetString()!;
            var limit = request.GetProperty("limit").GetInt32();
            var offset = request.TryGetProperty("after", out var after) ? int.Parse(after.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (offset >= fake.MaxSearchResults)
            {
                return Results.Json(new { status = "error", category = "VALIDATION_ERROR", message = $"at most {fake.MaxSearchResults} results per query" }, statusCode: 400);
            }

            var store = type == "emails" ? fake.Emails : fake.Tickets;
            var matches = store.Where(o => filters.All(f => Matches(o.Value, f))).OrderBy(o => Millis(o.Value.GetValueOrDefault(sort))).ThenBy(o => o.Key).ToArray();
            var page = matches.Skip(offset).Take(Math.Min(limit, fake.MaxSearchResults - offset)).Select(o => new { id = o.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), properties = o.Value });
            object? paging = offset + limit < matches.Length ? new { next = new { after = (offset + limit).ToString(System.Globalization.CultureInfo.InvariantCulture) } } : null;
            return Results.Json(new { total = matches.Length, results = page, paging });
        });
        app.MapGet("/crm/v3/pipelines/tickets", () => Results.Json(new
        {
            results = new[] { new { id = "0", label = "Support", stages = fake.Stages.Select(s => new { id = s.Key, label = "Stage " + s.Key, metadata = new { ticketState = s.Value } }) } },
        }));
        app.MapGet("/crm/v3/owners", (HttpContext context) =>
        {
            var all = fake.Owners.OrderBy(o => o.Key, StringComparer.Ordinal).ToArray();
            var after = int.TryParse(context.Request.Query["after"], out var a) ? a : 0;
            var page = all.Skip(after).Take(2).Select(o => new { id = o.Key, email = o.Value, firstName = "Rep", lastName = o.Key });
            object? paging = after + 2 < all.Length ? new { next = new { after = (after + 2).ToString(System.Globalization.CultureInfo.InvariantCulture) } } : null;
            return Results.Json(new { results = page, paging });
        });
        fake.BaseAddress = await LoopbackApp.StartAsync(app);
        return fake;
    }

    /// <summary>The search operators HUBSPOT.md lists; times compare as epoch milliseconds.</summary>
    private static bool Matches(Dictionary<string, string?> properties, JsonElement filter)
    {
        var value = properties.GetValueOrDefault(filter.GetProperty("propertyName").GetString()!);
        string Operand(string name) => filter.GetProperty(name).GetString()!;
        return filter.GetProperty("operator").GetString() switch
        {
            "EQ" => value == Operand("value"),
            "IN" => filter.GetProperty("values").EnumerateArray().Any(v => v.GetString() == value),
            "GTE" => value is not null && Millis(value) >= long.Parse(Operand("value"), System.Globalization.CultureInfo.InvariantCulture),
            "LT" => value is not null && Millis(value) < long.Parse(Operand("value"), System.Globalization.CultureInfo.InvariantCulture),
            "BETWEEN" => value is not null && Millis(value) >= long.Parse(Operand("value"), System.Globalization.CultureInfo.InvariantCulture)
                && Millis(value) <= long.Parse(Operand("highValue"), System.Globalization.CultureInfo.InvariantCulture),
            var other => throw new NotSupportedException($"The fake HubSpot does not filter with {other}."),
        };
    }

    private static long Millis(string? time)
        => time is null ? long.MaxValue : DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private bool OverBudget()
    {
        if (Budget is not { } budget)
        {
            return false;
        }

        var now = DateTimeOffset.UtcNow;
        lock (_recent)
        {
            while (_recent.TryPeek(out var oldest) && now - oldest > TimeSpan.FromSeconds(10))
            {
                _recent.TryDequeue(out _);
            }

            if (_recent.Count >= budget)
            {
                return true;
            }

            _recent.Enqueue(now);
            return false;
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
