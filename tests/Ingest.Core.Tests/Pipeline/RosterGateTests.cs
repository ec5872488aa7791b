using Ingest.Core.Domain;
using Ingest.Core.Embedded;
using Ingest.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Moq;

namespace Ingest.Core.Tests.Pipeline;

public class RosterGateTests
{
    private readonly InMemoryRosterStore _roster = new();
    private readonly InMemoryQuarantineStore _quarantine = new();
    private readonly Mock<ILogger<RosterGate>> _logger = new();

    private static FactEventRow Row(long agent, long id) => new()
    {
        EventKey = $"aloware#CALLS#{id}", Source = "aloware", MetricID = MetricId.CALLS, MetricMonthKey = "CALLS-202611", AgentID = agent,
        CommunicationID = id, Direction = "Inbound", Disposition = "completed", OccurredAtUtc = DateTime.UnixEpoch,
        DateKey = 20261126, ShiftID = "NONE", IngestedAtUtc = DateTime.UnixEpoch,
    };

    [Fact]
    public async Task LetsActiveAgentsThroughAndQuarantinesTheRest()
    {
        await _roster.ReplaceAsync([new DimAgent { AgentID = 1, Name = "A" }, new DimAgent { AgentID = 2, Name = "B", IsActive = false }], CancellationToken.None);
        var gate = new RosterGate(_roster, _quarantine, _logger.Object);

        var (allowed, gated) = await gate.ApplyAsync([Row(1, 10), Row(2, 11), Row(3, 12)], CancellationToken.None);

        Assert.Equal([10L], allowed.Select(r => r.CommunicationID));
        Assert.Equal([11L, 12L], gated.Select(r => r.CommunicationID));
        Assert.Equal([11L, 12L], (await _quarantine.ReadAsync(new HashSet<long> { 2, 3 }, CancellationToken.None)).Select(r => r.CommunicationID).Order());
        Assert.Empty(await _quarantine.ReadAsync(new HashSet<long> { 1 }, CancellationToken.None));
    }

    [Fact]
    public async Task WarnsOnceAboutAnEmptyRoster()
    {
        var gate = new RosterGate(_roster, _quarantine, _logger.Object);

        await gate.ApplyAsync([Row(1, 10)], CancellationToken.None);
        await gate.ApplyAsync([Row(1, 11)], CancellationToken.None);

        _logger.Verify(l => l.Log(LogLevel.Warning, It.IsAny<EventId>(), It.Is<It.IsAnyType>((v, _) => v.ToString()!.Contains("roster is empty")), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()), Times.Once);
    }
}
