using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ingest.Core.Storage;
using Ingest.PowerBiEmulator;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// The four signed admin syncs through the local host against the emulator, as ops would run them. The same
/// tests run on the embedded stores, on DynamoDB Local (<see cref="AdminDimensionOnDynamoDbTests"/>), and with the
/// Eventhouse as the sink (<see cref="AdminDimensionOnEventhouseTests"/>).
/// </summary>
public abstract class AdminDimensionTests : IDisposable
{
    private readonly LocalHostFactory _host;

    // A writer queue smaller than the largest quarantine replayed here, as a busy center's would be.
    protected AdminDimensionTests(Dictionary<string, string?> settings, string sink = LocalHostFactory.PowerBi)
        => _host = new LocalHostFactory(LocalHostFactory.On(sink, new(settings) { ["PowerBi:Writer:MaxQueuedRows"] = "1000", ["PowerBi:Writer:MaxRowsPerPost"] = "500" }));

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    private IEmulatedSink Emulator => _host.Sink;

    protected LocalHostFactory Host => _host;

    protected async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body)
    {
        using var response = await _host.SignedPostAsync(path, body);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    protected static object Goals(string month, long version, params (string Metric, double Goal)[] goals) => new
    {
        month, version, metrics = goals.Select(g => new { metricId = g.Metric, defaultGoal = g.Goal, defaultYellowFloorPct = 0.8 }),
    };

    [Fact]
    public async Task DimMetricKeepsEveryMonthAndRebuildsTheTableFromThem()
    {
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/admin/dimmetric/sync", Goals("2026-11", 1, ("CALLS", 1000), ("TEXTS", 400)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 1, ("CALLS", 1100)))).Status);

        var (status, summary) = await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 2, ("CALLS", 1200)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, summary.GetProperty("rowsDeleted").GetInt64());
        Assert.Equal(3, summary.GetProperty("rowsAdded").GetInt32());
        Assert.Equal(2, summary.GetProperty("version").GetInt64());
        var rows = (await _host.RowsAsync("DimMetric")).ToDictionary(r => r.GetProperty("MetricMonthKey").GetString()!);
        Assert.Equal(["CALLS-202611", "CALLS-202612", "TEXTS-202611"], rows.Keys.Order());
        Assert.Equal(1200, rows["CALLS-202612"].GetProperty("DefaultGoal").GetDouble());
        Assert.Equal(2, rows["CALLS-202612"].GetProperty("Version").GetInt64());
        Assert.Equal(1000, rows["CALLS-202611"].GetProperty("DefaultGoal").GetDouble());
    }

    [Fact]
    public async Task ARollbackAppliesAnOlderVersionsGoalsAgainAsANewVersion()
    {
        await PostAsync("/api/admin/dimmetric/sync", Goals("2026-11", 1, ("CALLS", 1000)));
        await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 1, ("CALLS", 1100), ("TEXTS", 400)));
        await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 2, ("CALLS", 1500)));
        await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 4, ("CALLS", 1700)));

        var (status, summary) = await PostAsync("/api/admin/dimmetric/rollback", new { month = "2026-12", toVersion = 1 });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, summary.GetProperty("version").GetInt64());
        var rows = (await _host.RowsAsync("DimMetric")).ToDictionary(r => r.GetProperty("MetricMonthKey").GetString()!);
        Assert.Equal(["CALLS-202611", "CALLS-202612", "TEXTS-202612"], rows.Keys.Order());
        Assert.Equal(1100, rows["CALLS-202612"].GetProperty("DefaultGoal").GetDouble());
        Assert.Equal(5, rows["CALLS-202612"].GetProperty("Version").GetInt64());
        Assert.Equal(1000, rows["CALLS-202611"].GetProperty("DefaultGoal").GetDouble());

        // The restored version is a version like any other: it can be rolled back to, and 2 is still there.
        Assert.Equal(6, (await PostAsync("/api/admin/dimmetric/rollback", new { month = "2026-12", toVersion = 2 })).Body.GetProperty("version").GetInt64());
        Assert.Equal(1500, (await _host.RowsAsync("DimMetric")).Single(r => r.GetProperty("MetricMonthKey").GetString() == "CALLS-202612").GetProperty("DefaultGoal").GetDouble());
        Assert.Equal(7, (await PostAsync("/api/admin/dimmetric/rollback", new { month = "2026-12", toVersion = 5 })).Body.GetProperty("version").GetInt64());
        Assert.Equal(1100, (await _host.RowsAsync("DimMetric")).Single(r => r.GetProperty("MetricMonthKey").GetString() == "CALLS-202612").GetProperty("DefaultGoal").GetDouble());
    }

    [Fact]
    public async Task ARollbackToAVersionNeverAppliedIs404AndChangesNothing()
    {
        await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 1, ("CALLS", 1100)));
        await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 3, ("CALLS", 1300)));

        var (skipped, problem) = await PostAsync("/api/admin/dimmetric/rollback", new { month = "2026-12", toVersion = 2 });
        var (otherMonth, _) = await PostAsync("/api/admin/dimmetric/rollback", new { month = "2027-01", toVersion = 1 });
        var (invalid, fields) = await PostAsync("/api/admin/dimmetric/rollback", new { month = "December", toVersion = 0 });

        Assert.Equal(HttpStatusCode.NotFound, skipped);
        Assert.True(problem.GetProperty("errors").TryGetProperty("toVersion", out _));
        Assert.Equal(HttpStatusCode.NotFound, otherMonth);
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        Assert.Equal(["month", "toVersion"], fields.GetProperty("errors").EnumerateObject().Select(f => f.Name).Order());
        Assert.Equal(1300, Assert.Single(await _host.RowsAsync("DimMetric")).GetProperty("DefaultGoal").GetDouble());
    }

    [Fact]
    public async Task AVersionNotAboveTheAppliedOneIsAConflict()
    {
        await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 3, ("CALLS", 1200)));

        var (again, problem) = await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 3, ("CALLS", 900)));
        var (older, _) = await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 2, ("CALLS", 900)));

        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal(HttpStatusCode.Conflict, older);
        Assert.Equal("stale_version", problem.GetProperty("reason").GetString());
        Assert.Equal(1200, Assert.Single(await _host.RowsAsync("DimMetric")).GetProperty("DefaultGoal").GetDouble());
    }

    [Fact]
    public async Task EveryInvalidFieldIsNamedAtOnce()
    {
        var (status, problem) = await PostAsync("/api/admin/dimmetric/sync", new
        {
            month = "2026-13",
            version = 0,
            metrics = new object[]
            {
                new { metricId = "VISITS", defaultGoal = -1, defaultYellowFloorPct = 0.8 },
                new { metricId = "CALLS", defaultGoal = 10, defaultYellowFloorPct = 0 },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["metrics[0].defaultGoal", "metrics[0].metricId", "metrics[1].defaultYellowFloorPct", "month", "version"], fields);
        Assert.Empty(await _host.RowsAsync("DimMetric"));
    }

    [Fact]
    public async Task DimShiftRulesAreTheOnesIngestUsesAndTheTableHasTheNoShiftRow()
    {
        var everyDay = new[] { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
        var (status, summary) = await PostAsync("/api/admin/dimshift/sync", new { shifts = new[] { new { shiftId = "ALL", name = "All day", start = "00:00", end = "00:00", days = everyDay } } });
        await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, summary.GetProperty("rowsAdded").GetInt32());
        Assert.Equal(["ALL", "NONE"], (await _host.RowsAsync("DimShift")).Select(r => r.GetProperty("ShiftID").GetString()).Order());
        Assert.Equal("ALL", Assert.Single(await _host.RowsAsync("FactEvent")).GetProperty("ShiftID").GetString());
    }

    [Fact]
    public async Task OverlappingShiftsAreRefused()
    {
        var (status, problem) = await PostAsync("/api/admin/dimshift/sync", new
        {
            shifts = new[]
            {
                new { shiftId = "NIGHT", name = "Night", start = "22:00", end = "06:00", days = new[] { "Mon" } },
                new { shiftId = "EARLY", name = "Early", start = "05:00", end = "13:00", days = new[] { "Tue" } },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("NIGHT and EARLY overlap", problem.GetProperty("errors").GetProperty("shifts")[0].GetString());
    }

    [Fact]
    public async Task DimDateSeedsTheRangeOnceEvenForADateIngestAlreadyPushed()
    {
        await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json")); // pushes 2026-11-26

        var (status, summary) = await PostAsync("/api/admin/dimdate/seed", new { from = "2026-03-07", to = "2026-11-30" });
        await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json").Replace("\"id\":", "\"id\":1", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, status);
        var keys = (await _host.RowsAsync("DimDate")).Select(r => r.GetProperty("DateKey").GetInt32()).ToArray();
        Assert.Equal(269, summary.GetProperty("rowsAdded").GetInt32());
        Assert.Equal(269, keys.Length);
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Contains(20260308, keys); // the spring-forward day is one row like any other
    }

    [Fact]
    public async Task DimDateWithoutABodySeedsLastYearToNextYear()
    {
        var (status, summary) = await PostAsync("/api/admin/dimdate/seed", new { });

        Assert.Equal(HttpStatusCode.OK, status);
        var today = DateTime.UtcNow.Year;
        var expected = new DateTime(today + 1, 12, 31).Subtract(new DateTime(today - 1, 1, 1)).Days + 1;
        Assert.InRange(summary.GetProperty("rowsAdded").GetInt32(), expected - 366, expected); // the business zone may still be in the old year
    }

    [Fact]
    public async Task DimAgentReplaysTheQuarantinedFactsOfAnAgentWhoJoined()
    {
        var stranger = LocalHostFactory.Sample("sms-inbound-completed.json").Replace("\"user_id\":102", "\"user_id\":777", StringComparison.Ordinal).Replace("\"owner_id\":102", "\"owner_id\":777", StringComparison.Ordinal);
        Assert.Equal(1, (await _host.AnswerOfAsync(stranger)).GetProperty("gated").GetInt32());

        var (status, summary) = await PostAsync("/api/admin/dimagent/sync", new
        {
            members = new[] { new { id = 101, name = "Ana", email = "ana@example.com" }, new { id = 777, name = "New Hire", email = "new@example.com" } },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, summary.GetProperty("replayedFacts").GetInt32());
        Assert.Equal(777, Assert.Single(await _host.RowsAsync("FactEvent")).GetProperty("AgentID").GetInt64());
        var agents = (await _host.RowsAsync("DimAgent")).ToDictionary(r => r.GetProperty("AgentID").GetInt64(), r => r.GetProperty("IsActive").GetBoolean());
        Assert.True(agents[777]);
        Assert.False(agents[102]); // left the ring group: kept, inactive, and no longer counted
        Assert.Equal(1, (await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json"))).GetProperty("gated").GetInt32());
    }

    [Fact]
    public async Task DimAgentReplayRemovesEachQuarantinedFactOnlyAfterItLandedInChunksTheWriterAccepts()
    {
        const int count = 1200;
        var quarantine = _host.Services.GetRequiredService<IQuarantineStore>();
        var agent = new HashSet<long> { 777 };
        await quarantine.AddAsync(Enumerable.Range(1, count).Select(i => Quarantined(777, 9_000_000 + i)).ToArray(), CancellationToken.None);
        await _host.RowsAsync("FactEvent"); // started: roster loaded, DimAgent pushed
        Emulator.SetLatency(TimeSpan.FromMilliseconds(300));

        var syncing = PostAsync("/api/admin/dimagent/sync", new { members = new[] { new { id = 777, name = "New Hire", email = "new@example.com" } } });
        while (!syncing.IsCompleted)
        {
            // A crash at any moment must find every fact either still quarantined or already landed.
            var left = (await quarantine.ReadAsync(agent, CancellationToken.None)).Count;
            var landed = Emulator.Rows("FactEvent").Count;
            Assert.True(left + landed >= count, $"{count - left - landed} facts were neither quarantined nor landed mid-replay");
            await Task.Delay(50);
        }

        var (status, summary) = await syncing;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(count, summary.GetProperty("replayedFacts").GetInt32());
        Assert.Equal(count, (await _host.RowsAsync("FactEvent")).Select(r => r.GetProperty("EventKey").GetString()).Distinct().Count());
        Assert.Empty(await quarantine.ReadAsync(agent, CancellationToken.None));
    }

    private static Core.Domain.FactEventRow Quarantined(long agent, long id) => new()
    {
        EventKey = $"aloware#TEXTS#{id}", Source = "aloware", MetricID = Core.Domain.MetricId.TEXTS, MetricMonthKey = "TEXTS-202611",
        AgentID = agent, CommunicationID = id, Direction = "Inbound", Disposition = "completed",
        OccurredAtUtc = new DateTime(2026, 11, 26, 14, 0, 0, DateTimeKind.Utc), DateKey = 20261126, ShiftID = "NONE",
        IngestedAtUtc = new DateTime(2026, 11, 26, 14, 0, 1, DateTimeKind.Utc),
    };

    [Fact]
    public async Task DimAgentWithoutMembersOrAnAlowareSourceSaysSo()
    {
        var (status, problem) = await PostAsync("/api/admin/dimagent/sync", new { });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("members", out _));
    }

    [Fact]
    public async Task TwoConcurrentSyncsOfOneTableGiveOneConflict()
    {
        await _host.RowsAsync("DimShift");
        Emulator.SetLatency(TimeSpan.FromSeconds(1));
        var body = new { shifts = new[] { new { shiftId = "DAY", name = "Day", start = "08:00", end = "16:00", days = new[] { "Mon" } } } };

        var statuses = await Task.WhenAll(PostAsync("/api/admin/dimshift/sync", body), PostAsync("/api/admin/dimshift/sync", body));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses.Select(s => s.Status).Order());
        Assert.Equal("table_locked", statuses.Single(s => s.Status == HttpStatusCode.Conflict).Body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task EveryRunIsAuditedAndARefusedOneWithoutItsBody()
    {
        using var forged = await _host.SignedPostAsync("/api/admin/dimshift/sync", "{\"shifts\":[]}"u8.ToArray(), secret: "not-the-secret-at-all");
        for (var i = 0; i < 20; i++)
        {
            // A flood of forgeries from one caller: refused every time, audited once a minute.
            using var again = await _host.SignedPostAsync("/api/admin/dimshift/sync", "{\"shifts\":[]}"u8.ToArray(), secret: "not-the-secret-at-all");
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        await PostAsync("/api/admin/dimshift/sync", new { shifts = Array.Empty<object>() });

        var audit = _host.Services.GetRequiredService<IAuditLog>();
        var refused = Assert.Single(await audit.ListAsync("auth", 10, CancellationToken.None));
        var runs = await audit.ListAsync("DimShift", 10, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Empty(refused.Payload);
        Assert.Contains("bad_signature", refused.Outcome);
        Assert.Equal(["accepted", "applied: 1 row(s), version -"], runs.Select(r => r.Outcome).Reverse());
        Assert.Equal("{\"shifts\":[]}", System.Text.Encoding.UTF8.GetString(runs.Last().Payload));
    }
}

public sealed class AdminDimensionOnEmbeddedStoresTests() : AdminDimensionTests([])
{
    [Fact]
    public async Task ARunThatFailedAfterDeletingIsRepairedByRunningAgain()
    {
        await PostAsync("/api/admin/dimmetric/sync", Goals("2026-11", 1, ("CALLS", 1000)));
        Host.Sink.InjectFault(503, 50); // POSTs of rows fail; the DELETE still clears the table (an Eventhouse replaces in one step)

        var (failed, problem) = await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 1, ("CALLS", 1100)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed);
        Assert.Equal("downstream_unavailable", problem.GetProperty("reason").GetString());
        Assert.Empty(await Host.RowsAsync("DimMetric"));

        Host.Sink.InjectFault(503, 0);
        var (repaired, _) = await PostAsync("/api/admin/dimmetric/sync", Goals("2026-12", 1, ("CALLS", 1100)));

        Assert.Equal(HttpStatusCode.OK, repaired);
        Assert.Equal(["CALLS-202611", "CALLS-202612"], (await Host.RowsAsync("DimMetric")).Select(r => r.GetProperty("MetricMonthKey").GetString()).Order());
    }
}

public sealed class AdminDimensionOnEventhouseTests() : AdminDimensionTests([], LocalHostFactory.Eventhouse);

[Collection(DynamoDbCollection.Name)]
[Trait("Category", "Slow")]
public sealed class AdminDimensionOnDynamoDbTests(DynamoDbLocalFixture dynamo) : AdminDimensionTests(new()
{
    ["DynamoDb:Enabled"] = "true",
    ["DynamoDb:Region"] = "us-east-1",
    ["DynamoDb:ServiceUrl"] = dynamo.Local.ServiceUrl,
    ["DynamoDb:TableName"] = "admin-" + Guid.NewGuid().ToString("N"),
    ["DynamoDb:CreateTable"] = "true",
});
