using System.Globalization;
using Ingest.LoadTool;

// Usage: dotnet run -c Release --project bench/Ingest.LoadTool -- [--rate 277] [--seconds 60] [--warmup 10] [--call-share 0.3] [--mode both|coalescing|direct] [--drain 60] [--sink powerbi|eventhouse]
//        the warm-up's seconds are offered first at the same rate and left out of every figure but landed/missing
//        with DynamoDB Local and Azurite started by the tool (loopback, stopped at the end): add --real-state
//        soak: add --soak 30 (seconds between random Power BI faults), for example --rate 50 --seconds 1800 --mode coalescing --soak 30 --drain 300
var arguments = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : "");
double Number(string name, double fallback) => arguments.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

var rate = Number("rate", 277);
var seconds = (int)Number("seconds", 60);
var callShare = Number("call-share", 0.3);
var drain = TimeSpan.FromSeconds(Number("drain", 60));
// Ten seconds: the JIT, the connection pools and the dataset's creation are behind by then on this machine.
var warmup = TimeSpan.FromSeconds(Number("warmup", 10));
var eventhouse = arguments.GetValueOrDefault("sink", "powerbi") == "eventhouse";
// The one-POST-per-event writer is Power BI's naive baseline; the Eventhouse has only its coalescing writer.
var mode = arguments.GetValueOrDefault("mode", eventhouse ? "coalescing" : "both");
if (eventhouse && mode != "coalescing")
{
    Console.Error.WriteLine("--sink eventhouse runs only --mode coalescing.");
    return 2;
}
if (seconds is < 1 or > 3600 || rate is <= 0 or > 5000 || warmup < TimeSpan.Zero || warmup > TimeSpan.FromMinutes(5))
{
    Console.Error.WriteLine("--seconds must be 1..3600, --rate 0..5000 and --warmup 0..300: the tool is bounded in time and count.");
    return 2;
}

var extra = new Dictionary<string, string?>();
if (eventhouse)
{
    extra["Sink:Kind"] = "Eventhouse"; // the local host embeds the Eventhouse emulator
}
if (arguments.TryGetValue("dynamodb", out var dynamoUrl))
{
    extra["DynamoDb:Enabled"] = "true";
    extra["DynamoDb:Region"] = "us-east-1";
    extra["DynamoDb:ServiceUrl"] = dynamoUrl;
    extra["DynamoDb:TableName"] = "load" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
    extra["DynamoDb:CreateTable"] = "true";
}

await using var dynamoDbLocal = arguments.ContainsKey("real-state") ? await Ingest.Testing.DynamoDbLocal.StartAsync() : null;
await using var azurite = arguments.ContainsKey("real-state") ? await Ingest.Testing.Azurite.StartAsync() : null;
if (dynamoDbLocal is not null && azurite is not null)
{
    dynamoUrl = dynamoDbLocal.ServiceUrl;
    extra["DynamoDb:Enabled"] = "true";
    extra["DynamoDb:Region"] = "us-east-1";
    extra["DynamoDb:ServiceUrl"] = dynamoUrl;
    extra["DynamoDb:TableName"] = "load" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
    extra["DynamoDb:CreateTable"] = "true";
    extra["Capture:Backend"] = "StorageQueue";
    extra["Capture:Connection"] = azurite.ConnectionString;
}

var neighbours = new Dictionary<string, System.Diagnostics.Process>();
if (dynamoDbLocal is not null && azurite is not null)
{
    neighbours["DynamoDB Local"] = dynamoDbLocal.Process;
    neighbours["Azurite"] = azurite.Process;
}

Console.WriteLine($"Offering {rate} facts/s for {warmup.TotalSeconds:0} s of warm-up (not counted) then {seconds} s ({callShare:P0} calls of 6 deliveries, the rest SMS), {(eventhouse ? "Eventhouse emulator" : "Power BI emulator with the real limits")}, state {(dynamoUrl is not null ? "DynamoDB " + dynamoUrl : "in memory")}, capture {(azurite is null ? "in memory" : "Azurite")}.");
TimeSpan? faultEvery = arguments.TryGetValue("soak", out var soak) ? TimeSpan.FromSeconds(double.Parse(soak, CultureInfo.InvariantCulture)) : null;
var results = new List<LoadResult>();
foreach (var writer in mode == "both" ? new[] { "Coalescing", "Direct" } : [char.ToUpperInvariant(mode[0]) + mode[1..]])
{
    // The naive writer never catches up: count what landed during the run, do not wait for the redrive.
    var result = await LoadRun.RunAsync(new LoadOptions(rate, seconds, callShare, writer, writer == "Direct" ? TimeSpan.FromSeconds(5) : drain, extra, faultEvery, warmup, neighbours));
    results.Add(result);
    Console.WriteLine();
    Console.WriteLine($"writer {result.WriterMode}");
    Console.WriteLine($"  deliveries offered {result.Offered} at {result.OfferedPerSecond:F1}/s; answered {result.Answered} at {result.AcceptedPerSecond:F1}/s; deferred {result.Deferred}; errors {result.Errors}");
    Console.WriteLine($"  answer time p50 {result.P50Ms:F0} ms, p95 {result.P95Ms:F0} ms, p99 {result.P99Ms:F0} ms");
    Console.WriteLine($"  POSTs {result.Posts} ({result.PostsPerSecond:F2}/s, {result.PostsPerSecond * 60:F0}/min), rows per POST {result.RowsPerPost:F1}, 429s {result.Throttled}");
    Console.WriteLine($"  facts expected {result.ExpectedFacts} (warm-up included), landed {result.Landed}, duplicate rows {result.DuplicateRows}, missing {result.Missing}");
    Console.WriteLine($"  CPU per counted delivery: {string.Join(", ", result.CpuMsPerDelivery.Select(c => $"{c.Key} {c.Value:F2} ms"))}");
}

if (results.Count == 2)
{
    var (coalesced, direct) = (results[0], results[1]);
    Console.WriteLine();
    Console.WriteLine($"ratio coalescing/direct: facts landed during the run {coalesced.Landed / Math.Max(1.0, direct.Landed):F1}x; 429s {coalesced.Throttled} vs {direct.Throttled}; rows per POST {coalesced.RowsPerPost:F1} vs {direct.RowsPerPost:F1}");
}

// In soak mode 429s are injected on purpose; what must hold is that nothing is missing.
return results.All(r => r.WriterMode == "Direct" || (r.Missing == 0 && (faultEvery is not null || r.Throttled == 0))) ? 0 : 1;
