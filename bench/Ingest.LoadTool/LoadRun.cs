using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Ingest.Testing;

namespace Ingest.LoadTool;

/// <param name="FaultEvery">When set (soak mode), a random Power BI fault is injected this often during the run.</param>
/// <param name="Warmup">Offered before the <paramref name="Seconds"/> counted: left out of every rate, percentile, POST count and CPU figure (its facts must still land).</param>
/// <param name="Neighbours">The emulator processes beside the app, whose CPU time is reported per counted delivery.</param>
public sealed record LoadOptions(
    double FactsPerSecond, int Seconds, double CallShare, string WriterMode, TimeSpan Drain, IReadOnlyDictionary<string, string?> ExtraSettings,
    TimeSpan? FaultEvery = null, TimeSpan Warmup = default, IReadOnlyDictionary<string, Process>? Neighbours = null);

/// <param name="CpuMsPerDelivery">Milliseconds of CPU per counted delivery, from the warm-up's end to the last answer, by process.</param>
public sealed record LoadResult(
    string WriterMode, int Offered, int Answered, int Deferred, int Errors, double OfferedPerSecond, double AcceptedPerSecond,
    double P50Ms, double P95Ms, double P99Ms, long Posts, long Throttled, double PostsPerSecond, double RowsPerPost,
    int ExpectedFacts, int Landed, int DuplicateRows, int Missing, double Seconds, IReadOnlyDictionary<string, double> CpuMsPerDelivery);

/// <summary>Starts the local host on a loopback port, offers the corpus open-loop at its schedule, then counts what landed.</summary>
public static class LoadRun
{
    private const string Token = "load-tool-token";

    public static async Task<LoadResult> RunAsync(LoadOptions options)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ALOWARE_WEBHOOK_TOKEN"] = Token,
            ["ADMIN_HMAC_SECRET"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), // the load tool never calls admin
            ["BUSINESS_TIME_ZONE"] = "America/New_York",
            ["PowerBi:BaseUrl"] = "http://powerbi.embedded/",
            ["PowerBi:WorkspaceId"] = "load",
            ["PowerBi:Authentication"] = "None",
            ["LocalHost:EmbeddedPowerBi"] = "true",
            ["Logging:Level"] = "Error",
        };
        foreach (var (key, value) in options.ExtraSettings)
        {
            settings[key] = value;
        }

        // The naive writer is the load tool's own: the product has only the coalescing one.
        Action<IServiceCollection>? naive = options.WriterMode == "Direct" ? services => services.AddSingleton<Ingest.Core.Storage.IFactSink, NaiveFactSink>() : null;
        await using var app = Ingest.LocalHost.Program.Build(["--urls", "http://127.0.0.1:0"], settings, naive);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(120),
        };
        var warmup = options.Warmup.TotalSeconds;
        var corpus = Corpus.Build(options.FactsPerSecond, (int)Math.Ceiling(warmup) + options.Seconds, options.CallShare, firstId: 90_000_000);
        var counted = corpus.Count(d => d.At >= warmup);
        var emulator = app.Services.GetRequiredService<Ingest.PowerBiEmulator.IEmulatedSink>();
        using var faults = new CancellationTokenSource();
        var injecting = options.FaultEvery is { } every
            ? InjectFaultsAsync(emulator, every, faults.Token)
            : Task.CompletedTask;
        var latencies = new List<double>(corpus.Count);
        int deferred = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(corpus.Count);
        CpuMeter? cpu = null;
        var before = new Ingest.PowerBiEmulator.TableStats(0, 0, 0, 0);
        var countedFrom = 0.0;
        foreach (var delivery in corpus)
        {
            var due = TimeSpan.FromSeconds(delivery.At) - clock.Elapsed;
            if (due > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(due);
            }

            var isCounted = delivery.At >= warmup;
            if (isCounted && cpu is null)
            {
                // The warm-up ends: JIT, connection pools, the dataset and tables are behind; count from here.
                cpu = CpuMeter.Start(options.Neighbours ?? new Dictionary<string, Process>());
                before = FactStats(emulator);
                countedFrom = clock.Elapsed.TotalSeconds;
            }

            inFlight.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhook/aloware") { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
                    using var response = await http.SendAsync(request);
                    var elapsed = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    if (!isCounted)
                    {
                        return;
                    }

                    lock (latencies)
                    {
                        latencies.Add(elapsed);
                    }

                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref deferred);
                    }
                    else if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception) when (isCounted)
                {
                    Interlocked.Increment(ref errors);
                }
                catch (Exception)
                {
                    // A warm-up delivery's failure is not counted; its fact still has to land.
                }
            }));
        }

        var offeredFor = clock.Elapsed.TotalSeconds - countedFrom;
        await faults.CancelAsync();
        var injected = await injecting.ContinueWith(_ => 0, TaskScheduler.Default);
        emulator.InjectFault(0, 0);
        await Task.WhenAll(inFlight);
        var answeredFor = clock.Elapsed.TotalSeconds - countedFrom;
        // Up to the last answer: the drain below reads FactEvent whole every second, which is the tool's cost, not the app's.
        var cpuMs = cpu!.PerDelivery(counted);
        var expected = corpus.Where(d => d.ExpectedEventKey is not null).Select(d => d.ExpectedEventKey!).ToHashSet();
        var landed = await WaitForFactsAsync(http, expected.Count, options.Drain);
        var fact = FactStats(emulator);
        await app.StopAsync();

        latencies.Sort();
        var posts = fact.Posts - before.Posts;
        var rows = fact.Rows - before.Rows;
        return new LoadResult(
            options.WriterMode, counted, latencies.Count, deferred, errors, counted / offeredFor, latencies.Count / answeredFor,
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99),
            posts, fact.Throttled - before.Throttled, posts / answeredFor, posts == 0 ? 0 : (double)rows / posts,
            expected.Count, landed.Count(expected.Contains), landed.Count - landed.Distinct().Count(), expected.Count(k => !landed.Contains(k)), answeredFor, cpuMs);
    }

    private static Ingest.PowerBiEmulator.TableStats FactStats(Ingest.PowerBiEmulator.IEmulatedSink emulator)
        => emulator.Stats().GetValueOrDefault("FactEvent") ?? new Ingest.PowerBiEmulator.TableStats(0, 0, 0, 0);

    /// <summary>Soak faults: now and then, the sink answers 503 or 429 to a random number of writes.</summary>
    private static async Task InjectFaultsAsync(Ingest.PowerBiEmulator.IEmulatedSink emulator, TimeSpan every, CancellationToken stop)
    {
        var random = new Random(7);
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(every, stop);
            var status = random.Next(2) == 0 ? 503 : 429;
            var count = random.Next(2, 40);
            emulator.InjectFault(status, count);
            Console.WriteLine($"  [{DateTime.UtcNow:HH:mm:ss}] fault: the next {count} POSTs answer {status}");
        }
    }

    private static async Task<List<string>> WaitForFactsAsync(HttpClient http, int expected, TimeSpan drain)
    {
        var deadline = DateTime.UtcNow + drain;
        List<string> keys;
        do
        {
            var table = await http.GetFromJsonAsync<JsonElement>("/local/tables/FactEvent");
            keys = table.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("EventKey").GetString()!).ToList();
            if (keys.Distinct().Count() >= expected)
            {
                break;
            }

            await Task.Delay(1000);
        }
        while (DateTime.UtcNow < deadline);

        return keys;
    }

    private static double Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
