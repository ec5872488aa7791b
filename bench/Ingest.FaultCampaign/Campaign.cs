using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Ingest.Integrations.Capture;
using Ingest.Testing;

namespace Ingest.FaultCampaign;

/// <summary>
/// The production path under combined faults: DynamoDB Local, Azurite and the standalone emulator behind proxies
/// the campaign controls, several local host processes sharing them as Functions instances do, realistic
/// Aloware traffic (some bodies large enough for the claim-check blob), signed HubSpot batches enriched against a
/// fake CRM, and a seeded schedule of faults. Everything is checked from outside the hosts.
/// </summary>
public sealed partial class Campaign(CampaignOptions options, TextWriter output)
{
    private const string Token = "campaign-token";
    private const string Workspace = "campaign";
    private static readonly TimeSpan SenderTimeout = TimeSpan.FromSeconds(110); // Aloware's

    private readonly List<AppProcess> _hosts = [];
    private readonly ConcurrentBag<string> _restartFailures = [];
    private readonly HttpClient _sender = new() { Timeout = SenderTimeout };
    private readonly HttpClient _inspector = new() { Timeout = TimeSpan.FromSeconds(30) };
    private TcpProxy _dynamo = null!, _queue = null!, _blob = null!, _powerBi = null!;
    private HubSpotTraffic _hubSpot = null!;
    private AppProcess _emulator = null!;
    private string _directQueues = null!;

    /// <summary>Runs the campaign; DynamoDB Local and Azurite are started here unless a caller shares its own.</summary>
    public async Task<CampaignReport> RunAsync(DynamoDbLocal? sharedDynamo = null, Azurite? sharedAzurite = null)
    {
        var logs = options.LogFolder ?? Directory.CreateTempSubdirectory("fault-campaign-").FullName;
        Directory.CreateDirectory(logs);
        output.WriteLine($"fault campaign: seed {options.Seed}, {options.Hosts} hosts, {options.Load.TotalMinutes:0.#} min, logs in {logs}");
        var dynamo = sharedDynamo ?? await DynamoDbLocal.StartAsync();
        var azurite = sharedAzurite ?? await Azurite.StartAsync();
        try
        {
            await StartAsync(dynamo, azurite, logs);
            return await DriveAsync();
        }
        finally
        {
            await Task.WhenAll(_hosts.Select(h => h.DisposeAsync().AsTask()));
            if (_emulator is not null)
            {
                await _emulator.DisposeAsync();
            }

            foreach (var proxy in new[] { _dynamo, _queue, _blob, _powerBi }.Where(p => p is not null))
            {
                await proxy.DisposeAsync();
            }

            if (_hubSpot is not null)
            {
                await _hubSpot.DisposeAsync();
            }

            if (sharedDynamo is null)
            {
                await dynamo.DisposeAsync();
            }

            if (sharedAzurite is null)
            {
                await azurite.DisposeAsync();
            }
        }
    }

    [GeneratedRegex(@"QueueEndpoint=(?<origin>http://127\.0\.0\.1:\d+)/")]
    private static partial Regex QueueEndpoint();

    [GeneratedRegex(@"BlobEndpoint=(?<origin>http://127\.0\.0\.1:\d+)/")]
    private static partial Regex BlobEndpoint();

    private async Task StartAsync(DynamoDbLocal dynamo, Azurite azurite, string logs)
    {
        _directQueues = azurite.ConnectionString;
        var queueOrigin = QueueEndpoint().Match(azurite.ConnectionString).Groups["origin"].Value;
        var blobOrigin = BlobEndpoint().Match(azurite.ConnectionString).Groups["origin"].Value;
        _dynamo = new TcpProxy(new Uri(dynamo.ServiceUrl));
        _queue = new TcpProxy(new Uri(queueOrigin));
        _blob = new TcpProxy(new Uri(blobOrigin));
        var proxiedStorage = azurite.ConnectionString
            .Replace(queueOrigin, _queue.Address.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace(blobOrigin, _blob.Address.ToString().TrimEnd('/'), StringComparison.Ordinal);
        _hubSpot = await HubSpotTraffic.StartAsync();
        foreach (var name in new[] { StorageCaptureOptions.QueueName, StorageCaptureOptions.PoisonQueueName })
        {
            var queue = new QueueClient(_directQueues, name);
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }

        _emulator = new AppProcess("Ingest.PowerBiEmulator", ExternalTool.FreeLoopbackPort(), new Dictionary<string, string>(), Path.Combine(logs, "emulator.log"), "local/stats");
        await _emulator.StartAsync(TimeSpan.FromSeconds(60));
        _powerBi = new TcpProxy(_emulator.Address);

        var table = $"campaign{options.Seed}x{Guid.NewGuid().ToString("N")[..8]}";
        var environment = new Dictionary<string, string>
        {
            ["ALOWARE_WEBHOOK_TOKEN"] = Token,
            ["ADMIN_HMAC_SECRET"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["LocalHost__EmbeddedPowerBi"] = "false",
            ["PowerBi__BaseUrl"] = _powerBi.Address.ToString(),
            ["PowerBi__Authentication"] = "None",
            ["PowerBi__WorkspaceId"] = Workspace,
            ["PowerBi__Writer__SharedBudget"] = "true",
            ["PowerBi__Writer__BreakerOpenFor"] = "00:00:05",
            ["DynamoDb__Enabled"] = "true",
            ["DynamoDb__Region"] = "us-east-1",
            ["DynamoDb__ServiceUrl"] = _dynamo.Address.ToString(),
            ["DynamoDb__TableName"] = table,
            ["DynamoDb__CreateTable"] = "true",
            ["DynamoDb__RequestTimeout"] = "00:00:03",
            ["DynamoDb__MaxErrorRetry"] = "1",
            ["Capture__Backend"] = "StorageQueue",
            ["Capture__Connection"] = proxiedStorage,
            ["Capture__RedriveDelay"] = "00:00:05",
            ["Capture__VisibilityTimeout"] = "00:00:30",
            ["Capture__PollInterval"] = "00:00:01",
            ["Ledger__LeaseDuration"] = options.LeaseDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__Level"] = "Warning",
        };
        foreach (var (name, value) in _hubSpot.Settings)
        {
            environment[name] = value;
        }

        for (var i = 0; i < options.Hosts; i++)
        {
            _hosts.Add(new AppProcess("Ingest.LocalHost", ExternalTool.FreeLoopbackPort(), environment, Path.Combine(logs, $"host{i}.log"), "api/health"));
        }

        // Every instance starts cold at the same moment, as after a deploy.
        await Task.WhenAll(_hosts.Select(h => h.StartAsync(TimeSpan.FromSeconds(90))));
    }

    private sealed record Answer(Delivery Delivery, int Status, TimeSpan Took);

    private sealed record HubSpotAnswer(HubSpotBatch Batch, int Status, int Attempts);

    /// <summary>HubSpot gives up on an answer slower than this and retries the batch later.</summary>
    private static readonly TimeSpan HubSpotTimeout = TimeSpan.FromSeconds(5);

    /// <summary>HubSpot retries a failed batch up to 10 times over a day; the campaign does so 3 times, 10 s apart.</summary>
    private const int HubSpotRetries = 3;

    private readonly HttpClient _hubSpotSender = new() { Timeout = HubSpotTimeout };

    private const int LargeBody = 45_000;

    /// <summary>Every 30th SMS carries a 45 KB message: past the queue's 64 KiB once encoded, so its body goes through the claim-check blob.</summary>
    private static List<Delivery> WithLargeBodies(List<Delivery> corpus)
        => corpus.Select((d, i) => d.ExpectedEventKey?.Contains("#TEXTS#", StringComparison.Ordinal) == true && i % 30 == 0
            ? d with { Body = d.Body.Replace("Can you call me back?", new string('x', LargeBody), StringComparison.Ordinal) }
            : d).ToList();

    private async Task<CampaignReport> DriveAsync()
    {
        var seconds = (int)options.Load.TotalSeconds;
        var corpus = WithLargeBodies(Corpus.Build(options.FactsPerSecond, seconds, callShare: 0.3, firstId: 1_000_000_000L + options.Seed * 10_000_000L, seed: options.Seed));
        var batches = _hubSpot.Build(seconds, options.Seed, firstId: 3_000_000_000L + options.Seed * 10_000_000L);
        var faults = FaultSchedule.Build(options.Seed, options.Load + TimeSpan.FromSeconds(10), options.Hosts);
        foreach (var fault in faults)
        {
            output.WriteLine($"  fault {fault}");
        }

        var answers = new ConcurrentBag<Answer>();
        var clock = Stopwatch.StartNew();
        // Each track runs its faults in turn (a host is killed again only once its last restart finished); the two
        // tracks overlap freely.
        var injecting = Task.WhenAll(
            InjectInTurnAsync(faults.Where(f => !IsHostFault(f)), clock),
            InjectInTurnAsync(faults.Where(IsHostFault), clock));
        var hubSpotAnswers = new ConcurrentBag<HubSpotAnswer>();
        var sendingHubSpot = SendHubSpotBatchesAsync(batches, hubSpotAnswers, clock);
        var random = new Random(options.Seed);
        var sending = new List<Task>();
        foreach (var delivery in corpus)
        {
            var wait = TimeSpan.FromSeconds(delivery.At) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sending.Add(SendAsync(_hosts[random.Next(_hosts.Count)], delivery, answers));
        }

        await Task.WhenAll(sending);
        await sendingHubSpot;
        await injecting;
        var lastFaultEnded = clock.Elapsed > faults.Select(f => f.Until).DefaultIfEmpty().Max() ? faults.Select(f => f.Until).DefaultIfEmpty().Max() : clock.Elapsed;
        output.WriteLine($"  load done at {clock.Elapsed.TotalSeconds:0} s; draining");

        var expected = answers.Where(a => a.Status is >= 200 and < 300 && a.Delivery.ExpectedEventKey is not null).Select(a => a.Delivery.ExpectedEventKey!)
            .Concat(hubSpotAnswers.Where(a => a.Status is >= 200 and < 300).SelectMany(a => a.Batch.ExpectedKeys)).ToHashSet();
        var landedAt = await DrainAsync(expected, clock);
        var probes = await ProbeAsync();
        var rows = await FactRowsAsync();
        var keys = rows.Select(r => r.GetProperty("EventKey").GetString()!).ToList();
        var took = answers.Select(a => a.Took).Order().ToArray();
        return new CampaignReport
        {
            Seed = options.Seed,
            Hosts = options.Hosts,
            Load = options.Load,
            Faults = faults,
            Offered = corpus.Count,
            Acknowledged = answers.Count(a => a.Status is >= 200 and < 300),
            Refused = answers.Count(a => a.Status >= 300),
            Unanswered = answers.Count(a => a.Status == 0),
            HubSpotBatches = batches.Count,
            HubSpotAcknowledged = hubSpotAnswers.Count(a => a.Status is >= 200 and < 300),
            HubSpotRetried = hubSpotAnswers.Count(a => a.Attempts > 1),
            HubSpotLanded = keys.Where(k => k.StartsWith("hubspot#", StringComparison.Ordinal)).Distinct().Count(),
            LargeAcknowledged = answers.Count(a => a.Status is >= 200 and < 300 && a.Delivery.Body.Length > LargeBody),
            AnswerP50 = Percentile(took, 0.50),
            AnswerP99 = Percentile(took, 0.99),
            AnswerMax = took.LastOrDefault(),
            AnswersOver10Seconds = took.Count(t => t >= TimeSpan.FromSeconds(10)),
            ExpectedFacts = expected.Count,
            LandedDistinct = keys.Distinct().Count(),
            Missing = expected.Except(keys).Count(),
            DuplicateRows = keys.Count - keys.Distinct().Count(),
            CommunicationsWithTwoKeys = rows.GroupBy(r => (r.GetProperty("Source").GetString(), r.GetProperty("CommunicationID").GetInt64()))
                .Count(g => g.Select(r => r.GetProperty("EventKey").GetString()).Distinct().Count() > 1),
            CaptureLeft = (await new QueueClient(_directQueues, StorageCaptureOptions.QueueName).GetPropertiesAsync()).Value.ApproximateMessagesCount,
            PoisonLeft = (await new QueueClient(_directQueues, StorageCaptureOptions.PoisonQueueName).GetPropertiesAsync()).Value.ApproximateMessagesCount,
            ProbesLanded = probes,
            Datasets = await DatasetCountAsync(),
            LandedAfterLastFault = landedAt is { } at ? (at > lastFaultEnded ? at - lastFaultEnded : TimeSpan.Zero) : null,
            RestartFailures = [.. _restartFailures],
        };
    }

    private static TimeSpan Percentile(TimeSpan[] sorted, double p)
        => sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private async Task SendAsync(AppProcess host, Delivery delivery, ConcurrentBag<Answer> answers)
    {
        var started = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Address, "api/webhook/aloware"))
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var response = await _sender.SendAsync(request);
            answers.Add(new Answer(delivery, (int)response.StatusCode, started.Elapsed));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Refused (a killed host) or timed out: the sender sees a failure, so nothing was promised.
            answers.Add(new Answer(delivery, 0, started.Elapsed));
        }
    }

    private async Task SendHubSpotBatchesAsync(IReadOnlyList<HubSpotBatch> batches, ConcurrentBag<HubSpotAnswer> answers, Stopwatch clock)
    {
        var sending = new List<Task>();
        for (var i = 0; i < batches.Count; i++)
        {
            var wait = TimeSpan.FromSeconds(batches[i].At) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sending.Add(SendHubSpotAsync(batches[i], i, answers));
        }

        await Task.WhenAll(sending);
    }

    /// <summary>Posts a batch as HubSpot does, retrying on another host after a failure or an answer slower than HubSpot waits.</summary>
    private async Task SendHubSpotAsync(HubSpotBatch batch, int index, ConcurrentBag<HubSpotAnswer> answers)
    {
        for (var attempt = 0; ; attempt++)
        {
            var status = 0;
            try
            {
                using var request = HubSpotTraffic.Request(_hosts[(index + attempt) % _hosts.Count].Address, batch, attempt);
                using var response = await _hubSpotSender.SendAsync(request);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Refused or too slow for HubSpot: it tries again later.
            }

            if (status is >= 200 and < 300 || attempt == HubSpotRetries)
            {
                answers.Add(new HubSpotAnswer(batch, status, attempt + 1));
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(10));
        }
    }

    private static bool IsHostFault(Fault fault) => fault.Kind is FaultKind.HostKilled or FaultKind.ColdStartTogether;

    private async Task InjectInTurnAsync(IEnumerable<Fault> track, Stopwatch clock)
    {
        foreach (var fault in track)
        {
            var wait = fault.At - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await ApplyAsync(fault);
            await Task.Delay(fault.For);
            try
            {
                await RevertAsync(fault);
            }
            catch (InvalidOperationException e)
            {
                // A host that will not start again is a finding of the run, reported with the rest.
                _restartFailures.Add($"{fault}: {e.Message}");
            }
        }
    }

    private Task ApplyAsync(Fault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.DynamoStalled: _dynamo.Stall(); break;
            case FaultKind.DynamoRefused: _dynamo.Cut(); break;
            case FaultKind.DynamoSlow: _dynamo.Slow(TimeSpan.FromMilliseconds(400)); break;
            case FaultKind.QueueRefused: _queue.Cut(); break;
            case FaultKind.QueueSlow: _queue.Slow(TimeSpan.FromMilliseconds(700)); break;
            case FaultKind.BlobRefused: _blob.Cut(); break;
            case FaultKind.BlobSlow: _blob.Slow(TimeSpan.FromMilliseconds(700)); break;
            case FaultKind.PowerBiSlow: _powerBi.Slow(TimeSpan.FromSeconds(2)); break;
            case FaultKind.PowerBiTimeout: _powerBi.Stall(); break;
            case FaultKind.PowerBi5xx: return EmulatorFaultAsync(503, 100_000);
            case FaultKind.PowerBi429: return EmulatorFaultAsync(429, 100_000);
            case FaultKind.PowerBiBadRow: return EmulatorFaultAsync(400, 1);
            case FaultKind.HostKilled: return _hosts[fault.Host].KillAsync();
            case FaultKind.ColdStartTogether: return Task.WhenAll(_hosts.Select(h => h.KillAsync()));
        }

        return Task.CompletedTask;
    }

    private Task RevertAsync(Fault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.DynamoStalled or FaultKind.DynamoRefused or FaultKind.DynamoSlow: _dynamo.Restore(); break;
            case FaultKind.QueueRefused or FaultKind.QueueSlow: _queue.Restore(); break;
            case FaultKind.BlobRefused or FaultKind.BlobSlow: _blob.Restore(); break;
            case FaultKind.PowerBiSlow or FaultKind.PowerBiTimeout: _powerBi.Restore(); break;
            case FaultKind.PowerBi5xx or FaultKind.PowerBi429 or FaultKind.PowerBiBadRow: return EmulatorFaultAsync(0, 0);
            case FaultKind.HostKilled: return _hosts[fault.Host].StartAsync(TimeSpan.FromSeconds(90));
            case FaultKind.ColdStartTogether: return Task.WhenAll(_hosts.Select(h => h.StartAsync(TimeSpan.FromSeconds(90))));
        }

        return Task.CompletedTask;
    }

    private async Task EmulatorFaultAsync(int status, int count)
    {
        using var answer = await _inspector.PostAsJsonAsync(new Uri(_emulator.Address, "local/faults"), new { status, count });
        answer.EnsureSuccessStatusCode();
    }

    /// <summary>Waits until every acknowledged fact landed and nothing is left captured; returns when they had all landed.</summary>
    private async Task<TimeSpan?> DrainAsync(IReadOnlySet<string> expected, Stopwatch clock)
    {
        var deadline = clock.Elapsed + options.Drain;
        TimeSpan? allLanded = null;
        var queue = new QueueClient(_directQueues, StorageCaptureOptions.QueueName);
        while (clock.Elapsed < deadline)
        {
            var keys = (await FactRowsAsync()).Select(r => r.GetProperty("EventKey").GetString()!).ToHashSet();
            var missing = expected.Count(k => !keys.Contains(k));
            allLanded ??= missing == 0 ? clock.Elapsed : null;
            var captured = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            if (missing == 0 && captured == 0)
            {
                break;
            }

            output.WriteLine($"  {clock.Elapsed.TotalSeconds:0} s: {missing} acknowledged fact(s) not landed yet, {captured} captured");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        return allLanded;
    }

    /// <summary>A fresh delivery through every host must land: no host may be left with a stalled writer.</summary>
    private async Task<int> ProbeAsync()
    {
        var landed = 0;
        for (var i = 0; i < _hosts.Count; i++)
        {
            var id = 2_000_000_000L + options.Seed * 1000L + i;
            var body = $$$"""{"event":"InboundSMS-DispositionCompleted","body":{"id":{{{id}}},"type":2,"direction":1,"user_id":101,"disposition_status2":4,"created_at":"2026-11-26 15:00:00"}}""";
            var answers = new ConcurrentBag<Answer>();
            await SendAsync(_hosts[i], new Delivery(0, body, $"aloware#TEXTS#{id}"), answers);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if ((await FactRowsAsync()).Any(r => r.GetProperty("EventKey").GetString() == $"aloware#TEXTS#{id}"))
                {
                    landed++;
                    break;
                }

                await Task.Delay(500);
            }
        }

        return landed;
    }

    private async Task<List<JsonElement>> FactRowsAsync()
    {
        var table = await _inspector.GetFromJsonAsync<JsonElement>(new Uri(_emulator.Address, "local/tables/FactEvent"));
        return table.GetProperty("rows").EnumerateArray().ToList();
    }

    private async Task<int> DatasetCountAsync()
    {
        var datasets = await _inspector.GetFromJsonAsync<JsonElement>(new Uri(_emulator.Address, $"v1.0/myorg/groups/{Workspace}/datasets"));
        return datasets.GetProperty("value").EnumerateArray().Count(d => d.GetProperty("name").GetString() == "Ingest");
    }
}
