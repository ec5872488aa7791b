using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Ingest.Integrations.Capture;
using Ingest.Testing;

namespace Ingest.FaultCampaign;

/// <summary>
/// The production path under combined faults: DynamoDB Local, Azurite and the standalone emulator behind proxies
/// the campaign controls, several local host processes sharing them as Functions instances do behind a front door,
/// realistic Aloware traffic (some bodies large enough for the claim-check blob), signed HubSpot batches enriched
/// against a fake CRM, and a seeded schedule of faults. Everything is checked from outside the hosts.
/// </summary>
public sealed partial class Campaign(CampaignOptions options, TextWriter output)
{
    private const string Token = "campaign-token";
    private const string Workspace = "campaign";

    private readonly List<AppProcess> _hosts = [];
    private readonly ConcurrentBag<string> _restartFailures = [];
    private readonly HttpClient _inspector = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Stopwatch _clock = new();
    private TcpProxy _dynamo = null!, _queue = null!, _blob = null!, _powerBi = null!;
    private HubSpotTraffic _hubSpot = null!;
    private AppProcess _emulator = null!;
    private FrontDoor _door = null!;
    private FactWatch _watch = null!;
    private string _directQueues = null!;
    private TimeSpan _answerBound, _completeWindow;

    /// <summary>Runs the campaign; DynamoDB Local and Azurite are started here unless a caller shares its own.</summary>
    public async Task<CampaignReport> RunAsync(DynamoDbLocal? sharedDynamo = null, Azurite? sharedAzurite = null)
    {
        var logs = options.LogFolder ?? Directory.CreateTempSubdirectory("fault-campaign-").FullName;
        Directory.CreateDirectory(logs);
        output.WriteLine($"fault campaign: seed {options.Seed}, {options.Hosts} hosts, {options.Load.TotalMinutes:0.#} min, sink {(options.Eventhouse ? "Eventhouse" : "Power BI")}, break {options.Break}, logs in {logs}");
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
            if (_door is not null)
            {
                await _door.DisposeAsync();
            }

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

        _emulator = new AppProcess(options.Eventhouse ? "Ingest.EventhouseEmulator" : "Ingest.PowerBiEmulator", ExternalTool.FreeLoopbackPort(), new Dictionary<string, string>(), Path.Combine(logs, "emulator.log"), "local/stats");
        await _emulator.StartAsync(TimeSpan.FromSeconds(60));
        _powerBi = new TcpProxy(_emulator.Address);
        _watch = new FactWatch(_inspector, _emulator.Address, _clock);

        var environment = HostEnvironment(proxiedStorage);
        // The verdict holds the hosts to the bounds of the settings they are given, before any break bends them.
        _answerBound = ProductBounds.Answer(environment);
        _completeWindow = ProductBounds.Complete(environment);
        output.WriteLine($"  answer bound {_answerBound.TotalSeconds:0} s, complete window {_completeWindow.TotalSeconds:0.0} s");
        for (var i = 0; i < options.Hosts; i++)
        {
            _hosts.Add(new AppProcess("Ingest.LocalHost", ExternalTool.FreeLoopbackPort(), Broken(environment, i, proxiedStorage), Path.Combine(logs, $"host{i}.log"), "api/health"));
        }

        _door = await FrontDoor.StartAsync(_hosts.Select(h => h.Address).ToArray());
        // Every instance starts cold at the same moment, as after a deploy.
        await Task.WhenAll(_hosts.Select((h, i) => RestartAsync(i)));
    }

    private Dictionary<string, string> HostEnvironment(string proxiedStorage)
    {
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
            ["DynamoDb__TableName"] = $"campaign{options.Seed}x{Guid.NewGuid().ToString("N")[..8]}",
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

        if (options.Eventhouse)
        {
            // The same faults reach the Eventhouse through the same proxy; every host bootstraps it at start.
            environment["Sink__Kind"] = "Eventhouse";
            environment["Eventhouse__QueryUri"] = _powerBi.Address.ToString();
            environment["Eventhouse__Database"] = "ingest";
            environment["Eventhouse__Authentication"] = "None";
            environment["Eventhouse__Bootstrap"] = "true";
            environment["Eventhouse__Writer__BreakerOpenFor"] = "00:00:05";
        }

        return environment;
    }

    private sealed record Answer(Delivery Delivery, SentRequest Request)
    {
        public bool Acknowledged => Request.Status is >= 200 and < 300;
    }

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
        if (options.Break == CampaignBreak.SlowSink)
        {
            // A kill comes every 52 s at most, and would end a held request before the deadline it is held to.
            faults = [.. faults.Where(f => !IsHostFault(f))];
        }

        foreach (var fault in faults)
        {
            output.WriteLine($"  fault {fault}");
        }

        var answers = new ConcurrentBag<Answer>();
        _clock.Start();
        using var stopWatching = new CancellationTokenSource();
        var watching = _watch.WatchAsync(TimeSpan.FromSeconds(5), stopWatching.Token);
        // Each track runs its faults in turn (a host is killed again only once its last restart finished); the tracks overlap freely.
        var injecting = Task.WhenAll(
            InjectInTurnAsync(faults.Where(f => !IsHostFault(f))),
            InjectInTurnAsync(faults.Where(IsHostFault)),
            BreakSinkAsync());
        var hubSpotAttempts = new ConcurrentBag<HubSpotAttempt>();
        var sendingHubSpot = SendHubSpotBatchesAsync(batches, hubSpotAttempts);
        var sending = new List<Task>();
        foreach (var delivery in corpus)
        {
            var wait = TimeSpan.FromSeconds(delivery.At) - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sending.Add(SendAlowareAsync(_door.Address, delivery, answers));
        }

        await Task.WhenAll(sending);
        await sendingHubSpot;
        await injecting;
        var lastFault = faults.Select(f => f.Until).DefaultIfEmpty().Max();
        var lastFaultEnded = _clock.Elapsed > lastFault ? lastFault : _clock.Elapsed;
        output.WriteLine($"  load done at {_clock.Elapsed.TotalSeconds:0} s; draining");

        var acknowledgedBatches = hubSpotAttempts.Where(a => a.Request.Status is >= 200 and < 300).ToList();
        var expected = answers.Where(a => a.Acknowledged && a.Delivery.ExpectedEventKey is not null).Select(a => a.Delivery.ExpectedEventKey!)
            .Concat(acknowledgedBatches.SelectMany(a => a.Batch.ExpectedKeys)).ToHashSet();
        var landedAt = await DrainAsync(expected);
        await stopWatching.CancelAsync();
        await watching;
        var probes = await ProbeAsync();
        var requests = answers.Select(a => a.Request).Concat(hubSpotAttempts.Select(a => a.Request)).ToList();
        if (options.Break == CampaignBreak.Duplicate)
        {
            await InjectDuplicateAsync(requests);
        }

        var rows = await _watch.ReadAsync();
        var keys = rows.Select(r => r.GetProperty("EventKey").GetString()!).ToList();
        var aloware = answers.Select(a => a.Request).ToList();
        var took = aloware.Where(r => r.Status != 0).Select(r => r.HostTook).Order().ToArray();
        var kills = _kills.Select(k => k.At).ToList();
        var copies = keys.GroupBy(k => k, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var unexplained = Verdicts.UnexplainedDuplicates(copies, requests, kills, _watch.FirstSeen, _completeWindow, _clock.Elapsed);
        return new CampaignReport
        {
            Seed = options.Seed,
            Hosts = options.Hosts,
            Load = options.Load,
            Break = options.Break,
            Faults = faults,
            Offered = corpus.Count,
            Acknowledged = answers.Count(a => a.Acknowledged),
            Refused = aloware.Count(r => r.Status >= 300),
            Unanswered = aloware.Count(r => r.Status == 0),
            UnansweredAtKills = aloware.Count(r => r.Status == 0 && r.DroppedAtKill),
            HostKills = kills.Count,
            DroppedPerKill = _door.DroppedPerKill,
            HubSpotBatches = batches.Count,
            HubSpotAcknowledged = acknowledgedBatches.Count,
            HubSpotRetried = hubSpotAttempts.Where(a => a.Attempt > 0).Select(a => a.Batch).Distinct().Count(),
            HubSpotLanded = keys.Where(k => k.StartsWith("hubspot#", StringComparison.Ordinal)).Distinct().Count(),
            LargeAcknowledged = answers.Count(a => a.Acknowledged && a.Delivery.Body.Length > LargeBody),
            AnswerP50 = Percentile(took, 0.50),
            AnswerP99 = Percentile(took, 0.99),
            AnswerMax = took.LastOrDefault(),
            AnswersOver10Seconds = took.Count(t => t >= TimeSpan.FromSeconds(10)),
            AnswerBound = _answerBound,
            ExpectedFacts = expected.Count,
            LandedDistinct = copies.Count,
            Missing = expected.Count(k => !copies.ContainsKey(k)),
            DuplicateRows = keys.Count - copies.Count,
            UnexplainedDuplicateKeys = unexplained,
            CommunicationsWithTwoKeys = rows.GroupBy(r => (r.GetProperty("Source").GetString(), r.GetProperty("CommunicationID").GetInt64()))
                .Count(g => g.Select(r => r.GetProperty("EventKey").GetString()).Distinct().Count() > 1),
            CaptureLeft = (await new QueueClient(_directQueues, StorageCaptureOptions.QueueName).GetPropertiesAsync()).Value.ApproximateMessagesCount,
            PoisonLeft = (await new QueueClient(_directQueues, StorageCaptureOptions.PoisonQueueName).GetPropertiesAsync()).Value.ApproximateMessagesCount,
            ProbesLanded = probes,
            Datasets = await DatasetCountAsync(),
            LandedAfterLastFault = landedAt is { } at ? (at > lastFaultEnded ? at - lastFaultEnded : TimeSpan.Zero) : null,
            RestartFailures = [.. _restartFailures],
            UnexpectedExits = [.. _hosts.Append(_emulator).SelectMany(p => p.UnexpectedExits)],
            RuleFailures = [.. Verdicts.SlowAnswers(aloware, _answerBound), .. Verdicts.RefusedWhileCaptureUp(aloware, CaptureDown())],
        };
    }

    private static TimeSpan Percentile(TimeSpan[] sorted, double p)
        => sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    /// <summary>Waits until every acknowledged fact landed and nothing is left captured; returns when they had all landed.</summary>
    private async Task<TimeSpan?> DrainAsync(IReadOnlySet<string> expected)
    {
        var deadline = _clock.Elapsed + options.Drain;
        TimeSpan? allLanded = null;
        var queue = new QueueClient(_directQueues, StorageCaptureOptions.QueueName);
        while (_clock.Elapsed < deadline)
        {
            var keys = (await _watch.ReadAsync()).Select(r => r.GetProperty("EventKey").GetString()!).ToHashSet();
            var missing = expected.Count(k => !keys.Contains(k));
            allLanded ??= missing == 0 ? _clock.Elapsed : null;
            var captured = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            if (missing == 0 && captured == 0)
            {
                break;
            }

            output.WriteLine($"  {_clock.Elapsed.TotalSeconds:0} s: {missing} acknowledged fact(s) not landed yet, {captured} captured");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        return allLanded;
    }

    /// <summary>A fresh delivery through every host, not the front door, must land: no host may be left with a stalled writer.</summary>
    private async Task<int> ProbeAsync()
    {
        var landed = 0;
        for (var i = 0; i < _hosts.Count; i++)
        {
            var id = 2_000_000_000L + options.Seed * 1000L + i;
            var body = $$$"""{"event":"InboundSMS-DispositionCompleted","body":{"id":{{{id}}},"type":2,"direction":1,"user_id":101,"disposition_status2":4,"created_at":"2026-11-26 15:00:00"}}""";
            await SendAlowareAsync(_hosts[i].Address, new Delivery(0, body, $"aloware#TEXTS#{id}"), new ConcurrentBag<Answer>());
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if ((await _watch.ReadAsync()).Any(r => r.GetProperty("EventKey").GetString() == $"aloware#TEXTS#{id}"))
                {
                    landed++;
                    break;
                }

                await Task.Delay(500);
            }
        }

        return landed;
    }

    private async Task<string> DatasetIdAsync()
    {
        var datasets = await _inspector.GetFromJsonAsync<JsonElement>(new Uri(_emulator.Address, $"v1.0/myorg/groups/{Workspace}/datasets"));
        return datasets.GetProperty("value").EnumerateArray().First(d => d.GetProperty("name").GetString() == "Ingest").GetProperty("id").GetString()!;
    }

    /// <summary>Power BI: the datasets named Ingest (two would split the facts); the Eventhouse: one database, bootstrapped.</summary>
    private async Task<int> DatasetCountAsync()
    {
        if (options.Eventhouse)
        {
            var stats = await _inspector.GetFromJsonAsync<JsonElement>(new Uri(_emulator.Address, "local/stats"));
            return stats.GetProperty("tables").TryGetProperty("FactEvent", out _) ? 1 : 0;
        }

        var datasets = await _inspector.GetFromJsonAsync<JsonElement>(new Uri(_emulator.Address, $"v1.0/myorg/groups/{Workspace}/datasets"));
        return datasets.GetProperty("value").EnumerateArray().Count(d => d.GetProperty("name").GetString() == "Ingest");
    }
}
