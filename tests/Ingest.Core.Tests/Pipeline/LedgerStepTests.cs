using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
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
        var clock = new FakeTimeProvider();
        var step = new LedgerStep(ledger.Object, clock, NullLogger<LedgerStep>.Instance);

        var completing = step.CompleteAsync([new ClaimedFact(Row, "owner")], CancellationToken.None);

        // The retry waits its first delay on the injected clock: nothing happens until it has passed.
        ledger.Verify(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()), Times.Once());
        clock.Advance(LedgerStep.CompleteRetryDelays[0] - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        ledger.Verify(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()), Times.Once());
        await AdvanceUntilDoneAsync(clock, completing);
        ledger.Verify(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task AStoreThatStaysDownFailsTheCompleteAfterEveryRetry()
    {
        var ledger = new Mock<ILedger>();
        ledger.Setup(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new StoreUnavailableException("the store is down", new TimeoutException()));
        var clock = new FakeTimeProvider();
        var step = new LedgerStep(ledger.Object, clock, NullLogger<LedgerStep>.Instance);

        var completing = step.CompleteAsync([new ClaimedFact(Row, "owner")], CancellationToken.None);
        await AdvanceUntilDoneAsync(clock, completing);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => completing);
        ledger.Verify(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()), Times.Exactly(LedgerStep.CompleteRetryDelays.Length + 1));
    }

    /// <summary>Moves the fake clock in small steps, yielding between them, until the work is done (each retry sets its timer after the last attempt failed).</summary>
    private static async Task AdvanceUntilDoneAsync(FakeTimeProvider clock, Task work)
    {
        for (var step = 0; !work.IsCompleted && step < 2000; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }

        Assert.True(work.IsCompleted, "the retries did not finish on the fake clock");
    }

    [Fact]
    public async Task ACancelledCompleteIsNotRetried()
    {
        var ledger = new Mock<ILedger>();
        ledger.Setup(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>())).ThrowsAsync(new OperationCanceledException());
        var step = new LedgerStep(ledger.Object, TimeProvider.System, NullLogger<LedgerStep>.Instance);

        await Assert.ThrowsAsync<OperationCanceledException>(() => step.CompleteAsync([new ClaimedFact(Row, "owner")], CancellationToken.None));
        ledger.Verify(l => l.CompleteAsync(Row.EventKey, "owner", It.IsAny<CancellationToken>()), Times.Once());
    }
}
