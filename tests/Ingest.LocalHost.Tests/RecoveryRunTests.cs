using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.LocalHost.Tests.Durability;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// A backfill says only what it can stand behind: a second run of the source while the first holds its lock is
/// refused naming the first; a caller who leaves stops the run cleanly; a run past its deadline answers what it did
/// and says to run it again. Run again, each leaves every fact in FactEvent exactly once.
/// </summary>
public abstract class RecoveryRunTests(string sink)
{
    private const string Path = "/api/admin/backfill/aloware";

    /// <summary>An export of <paramref name="calls"/> completed calls of the sample roster's agents, yesterday.</summary>
    public static byte[] ExportOfCalls(int calls, long firstId)
    {
        var csv = new StringBuilder("Communication ID,Started At,Type,Direction,Disposition Status,User ID,Talk Time\n");
        var day = DateTime.UtcNow.Date.AddDays(-1);
        for (var i = 0; i < calls; i++)
        {
            var at = day.AddHours(13).AddSeconds(i * 7);
            csv.Append(CultureInfo.InvariantCulture, $"{firstId + i},{at:yyyy-MM-dd HH:mm:ss},Call,Outbound,Completed,{101 + (i % 4)},60\n");
        }

        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private Dictionary<string, string?> Settings(string? deadline = null) => LocalHostFactory.On(sink, new()
    {
        ["BUSINESS_TIME_ZONE"] = "America/New_York",
        ["Admin:RecoveryDeadline"] = deadline ?? "00:03:20",
    });

    private static async Task<JsonElement> SummaryAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertEachFactOnceAsync(LocalHostFactory host, int expected)
    {
        var keys = (await host.RowsAsync("FactEvent")).Select(r => r.GetProperty("EventKey").GetString()).ToArray();
        Assert.Equal(expected, keys.Length);
        Assert.Equal(expected, keys.Distinct().Count());
    }

    [Fact]
    public async Task ASecondBackfillWhileTheFirstRunsIs409NamingTheFirstAndNothingIsReportedCounted()
    {
        var sink = new HeldSink();
        using var host = new LocalHostFactory(Settings(), services => Crash.Decorate<IFactSink>(services, sink.Wrap));
        var export = ExportOfCalls(1_200, 91_000_000);

        var first = host.SignedPostAsync(Path, export, contentType: "text/csv");
        await sink.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        using var second = await host.SignedPostAsync(Path, export, contentType: "text/csv");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("recovery_running", problem.GetProperty("reason").GetString());
        Assert.Contains("a backfill by hmac-secret-1 started at", problem.GetProperty("detail").GetString());

        sink.Release();
        var summary = await SummaryAsync(await first);
        Assert.Equal((1_200, 0, 0), (summary.GetProperty("added").GetInt32(), summary.GetProperty("alreadyCounted").GetInt32(), summary.GetProperty("inProgress").GetInt32()));
        Assert.True(summary.GetProperty("finished").GetBoolean());
        await AssertEachFactOnceAsync(host, 1_200);
    }

    [Fact]
    public async Task ACallerWhoLeavesStopsTheRunCleanlyAndTheNextRunAddsWhatDidNotLand()
    {
        var sink = new HeldSink(holdAfterPosts: 1);
        using var host = new LocalHostFactory(Settings(), services => Crash.Decorate<IFactSink>(services, sink.Wrap));
        var export = ExportOfCalls(1_200, 92_000_000);
        using var leaving = new CancellationTokenSource();

        var abandoned = host.SignedPostAsync(Path, export, contentType: "text/csv", cancellationToken: leaving.Token);
        await sink.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        sink.Release();

        // The stopped run gives back its lock and its claims as it unwinds: the next run counts the rest.
        var next = await SummaryAsync(await SendOnceTheLockIsFreeAsync(host, Path, export));
        Assert.Equal((500, 700, 0), (next.GetProperty("alreadyCounted").GetInt32(), next.GetProperty("added").GetInt32(), next.GetProperty("inProgress").GetInt32()));
        await AssertEachFactOnceAsync(host, 1_200);
    }

    /// <summary>The server may still be unwinding a run whose caller left: a 409 until it has.</summary>
    private static async Task<HttpResponseMessage> SendOnceTheLockIsFreeAsync(LocalHostFactory host, string path, byte[] export)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await host.SignedPostAsync(path, export, contentType: "text/csv");
            if (response.StatusCode != HttpStatusCode.Conflict || attempt == 50)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task APreviewPastItsDeadlineNamesAPreviewAsItsNextCall()
    {
        using var host = new LocalHostFactory(Settings(deadline: "00:00:00.001"));

        var preview = await SummaryAsync(await host.SignedPostAsync(Path + "?dryRun=true", ExportOfCalls(1_200, 95_000_000), contentType: "text/csv"));

        Assert.Equal(501, preview.GetProperty("stoppedAfterLine").GetInt32());
        Assert.Contains("?dryRun=true&afterLine=501 (ingest-admin backfill aloware --dry-run --after-line 501)", preview.GetProperty("detail").GetString());
        Assert.Empty(await host.RowsAsync("FactEvent"));
    }

    [Fact]
    public async Task ARunPastItsDeadlineAnswersWhatItDidSaysToRunAgainAndRunsAgainToTheEnd()
    {
        using var host = new LocalHostFactory(Settings(deadline: "00:00:00.001"));
        var export = ExportOfCalls(1_200, 93_000_000);

        var runs = new List<JsonElement> { await SummaryAsync(await host.SignedPostAsync(Path, export, contentType: "text/csv")) };
        while (runs[^1].TryGetProperty("stoppedAfterLine", out var line) && runs.Count < 10)
        {
            runs.Add(await SummaryAsync(await host.SignedPostAsync($"{Path}?afterLine={line.GetInt32()}", export, contentType: "text/csv")));
        }

        // Each run counts one chunk of 500 lines and stops: the header is line 1, so the first stops after line 501.
        Assert.Equal([501, 1001], runs.Take(2).Select(r => r.GetProperty("stoppedAfterLine").GetInt32()));
        Assert.All(runs.Take(2), r => Assert.False(r.GetProperty("finished").GetBoolean()));
        Assert.Contains("with ?afterLine=501 (ingest-admin backfill aloware --after-line 501)", runs[0].GetProperty("detail").GetString());
        Assert.Equal([500, 500, 200], runs.Select(r => r.GetProperty("added").GetInt32()));
        Assert.Equal([500, 500, 200], runs.Select(r => r.GetProperty("rows").GetInt32()));
        Assert.True(runs[^1].GetProperty("finished").GetBoolean());
        Assert.False(runs[^1].TryGetProperty("detail", out _));
        await AssertEachFactOnceAsync(host, 1_200);
    }

    /// <summary>
    /// A sink that lets <c>holdAfterPosts</c> FactEvent posts through, then holds the next until released (or its
    /// caller cancels), so a test can act while a run is mid-way.
    /// </summary>
    private sealed class HeldSink(int holdAfterPosts = 0)
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _passing = holdAfterPosts;
        private int _posts;

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        public IFactSink Wrap(IFactSink inner) => new Held(inner, this);

        private sealed class Held(IFactSink inner, HeldSink held) : IFactSink
        {
            public async Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref held._posts) > held._passing)
                {
                    held._entered.TrySetResult();
                    await held._released.Task.WaitAsync(cancellationToken);
                }

                await inner.PostAsync(rows, cancellationToken);
            }
        }
    }
}

public sealed class RecoveryRunOnPowerBiTests() : RecoveryRunTests(LocalHostFactory.PowerBi);

public sealed class RecoveryRunOnEventhouseTests() : RecoveryRunTests(LocalHostFactory.Eventhouse);
