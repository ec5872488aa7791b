using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Time;
using Ingest.Integrations.Aloware;

namespace Ingest.Benchmarks;

/// <summary>Adapter + mapping per delivery beside the floor any parser pays: a plain JsonDocument.Parse of the same bytes.</summary>
[MemoryDiagnoser]
public class AdapterBenchmarks
{
    private readonly AlowareAdapter _adapter = new();
    private readonly FactMapper _mapper = new(BusinessCalendar.ForZoneId("America/New_York"));
    private readonly DateTime _now = new(2026, 11, 26, 20, 0, 0, DateTimeKind.Utc);
    private IngestEnvelope _envelope = null!;

    [Params("native", "zapier")]
    public string Shape { get; set; } = "native";

    [Params(1024, 2048, 8192)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var body = Shape == "native" ? Deliveries.Native(Bytes) : Deliveries.Zapier(Bytes);
        _envelope = new IngestEnvelope("aloware", "bench", new DateTimeOffset(_now), body);
        if (_adapter.Adapt(_envelope).Events.Count != 1)
        {
            throw new InvalidOperationException("The benchmark delivery must be countable.");
        }
    }

    [Benchmark(Baseline = true)]
    public int JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_envelope.Body);
        return document.RootElement.GetPropertyCount();
    }

    [Benchmark]
    public FactEventRow AdapterAndMapping()
    {
        var result = _adapter.Adapt(_envelope);
        return _mapper.Map(result.Events[0], [], _now);
    }
}
