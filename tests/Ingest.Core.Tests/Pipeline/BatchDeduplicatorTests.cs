using Ingest.Core.Domain;
using Ingest.Core.Pipeline;

namespace Ingest.Core.Tests.Pipeline;

public class BatchDeduplicatorTests
{
    private static FactEventRow Row(string key, long agent) => new()
    {
        EventKey = key, Source = "aloware", MetricID = MetricId.CALLS, MetricMonthKey = "CALLS-202611", AgentID = agent,
        CommunicationID = 1, Direction = "Inbound", Disposition = "completed", OccurredAtUtc = DateTime.UnixEpoch,
        DateKey = 19700101, ShiftID = "NONE", IngestedAtUtc = DateTime.UnixEpoch,
    };

    [Fact]
    public void KeepsTheFirstRowOfEachEventKey()
    {
        var (unique, duplicates) = BatchDeduplicator.Deduplicate([Row("a", 1), Row("b", 2), Row("a", 3), Row("a", 4)]);

        Assert.Equal(["a", "b"], unique.Select(r => r.EventKey));
        Assert.Equal(1, unique[0].AgentID);
        Assert.Equal(2, duplicates);
    }

    [Fact]
    public void LeavesABatchWithoutRepeatsAlone()
    {
        var (unique, duplicates) = BatchDeduplicator.Deduplicate([Row("a", 1)]);

        Assert.Single(unique);
        Assert.Equal(0, duplicates);
    }
}
