using BenchmarkDotNet.Attributes;
using Ingest.Core.Domain;
using Ingest.Core.Pipeline;

namespace Ingest.Benchmarks;

/// <summary>The within-batch dedup over 1,000 facts, a fifth of them repeats.</summary>
[MemoryDiagnoser]
public class DedupBenchmarks
{
    private FactEventRow[] _rows = [];

    [GlobalSetup]
    public void Setup() => _rows = Enumerable.Range(0, 1000).Select(i => new FactEventRow
    {
        EventKey = $"aloware#CALLS#{i % 800}", Source = "aloware", MetricID = MetricId.CALLS, MetricMonthKey = "CALLS-202611",
        AgentID = 101, CommunicationID = i % 800, Direction = "Outbound", Disposition = "completed", OccurredAtUtc = DateTime.UnixEpoch,
        DateKey = 20261126, ShiftID = "NONE", IngestedAtUtc = DateTime.UnixEpoch,
    }).ToArray();

    [Benchmark]
    public int Deduplicate1000() => BatchDeduplicator.Deduplicate(_rows).Unique.Count;
}
