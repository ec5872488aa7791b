using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Ingest.Core.Tests.Pipeline;

public sealed class LedgerStepTests
{
    private static readonly FactEventRow Row = new()
    {
        EventKey = "aloware#CALLS#1", Source = "aloware", MetricID = MetricId.CALLS, MetricMonthKey = "2026-11", AgentID = 101, CommunicationID = 1,
        Direction = "Outbound", Disposition = "Completed", OccurredAtUtc = new DateTime(2026, 11, 26, 15, 0, 0, DateTimeKind.Utc), DateKey = 20261126,
        ShiftID = "NONE", IngestedAtUtc = new DateTime(2026, 11, 26, 15, 0, 1, DateTimeKind.Utc),
    };

    [Fact]
    public async Task ABriefStoreFaultAfterTheRowsLandedIsRetriedSoTheFactCompletes()
    {
        var ledger = new Mock<ILedger>();
        ledger.SetupSequence(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StoreUnavailableException("the store blinked", new TimeoutException()))
            .ReturnsAsync(true);
        var step = new LedgerStep(ledger.Object, NullLogger<LedgerStep>.Instance);

        await step.CompleteAsync([new ClaimedFact(Row, "owner")], CancellationToken.None);

        ledger.Verify(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task ACancelledCompleteIsNotRetried()
    {
        var ledger = new Mock<ILedger>();
        ledger.Setup(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>())).ThrowsAsync(new OperationCanceledException());
        var step = new LedgerStep(ledger.Object, NullLogger<LedgerStep>.Instance);

        await Assert.ThrowsAsync<OperationCanceledException>(() => step.CompleteAsync([new ClaimedFact(Row, "owner")], CancellationToken.None));
        ledger.Verify(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()), Times.Once());
    }
}
