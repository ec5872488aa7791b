using Ingest.Core.Capture;
using Ingest.Core.Tests.Pipeline;
using Microsoft.Extensions.Options;
using Moq;

namespace Ingest.Core.Tests.Capture;

public class RedriverTests
{
    private readonly PipelineHarness _h = new();
    private readonly InMemoryCaptureQueue _queue;

    public RedriverTests()
    {
        _queue = new InMemoryCaptureQueue(Options.Create(new CaptureOptions { RedriveDelay = TimeSpan.FromSeconds(30), VisibilityTimeout = TimeSpan.FromSeconds(30) }), _h.Clock);
    }

    [Fact]
    public async Task ACapturedDeliveryIsInvisibleUntilTheRedriveDelayPasses()
    {
        await _queue.CaptureAsync(PipelineHarness.Envelope("{}"), CancellationToken.None);

        Assert.Empty(await _queue.ReceiveAsync(10, CancellationToken.None));
        _h.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Single(await _queue.ReceiveAsync(10, CancellationToken.None));
        Assert.Empty(await _queue.ReceiveAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task ADeleteWithAStaleReceiptLeavesTheMessage()
    {
        var captured = await _queue.CaptureAsync(PipelineHarness.Envelope("{}"), CancellationToken.None);
        _h.Clock.Advance(TimeSpan.FromSeconds(31));
        await _queue.ReceiveAsync(10, CancellationToken.None);

        await _queue.DeleteAsync(captured, CancellationToken.None);

        Assert.Equal(1, _queue.Count);
    }

    [Fact]
    public async Task RedrivesADeferredDeliveryOnceTheSinkRecovers()
    {
        await _h.SeedRosterAsync(9);
        _h.FailFactPosts = 1;
        await _queue.CaptureAsync(PipelineHarness.Envelope("""{"event":"x","body":{"id":5,"type":2,"user_id":9}}"""), CancellationToken.None);
        var redriver = _h.Redriver(_queue);

        _h.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal((1, 0), await redriver.RunOnceAsync(CancellationToken.None));
        _h.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal((1, 1), await redriver.RunOnceAsync(CancellationToken.None));

        Assert.Equal(0, _queue.Count);
        Assert.Equal("aloware#TEXTS#5", Assert.Single(_h.Facts).EventKey);
    }

    private const string Text = """{"event":"x","body":{"id":5,"type":2,"user_id":9}}""";

    [Fact]
    public async Task ASettleThatFailsIsThrownToTheHostWhichKeepsTheCapture()
    {
        await _h.SeedRosterAsync(9);
        var capture = new Mock<IRedrivenCapture>();
        capture.Setup(c => c.SettleAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("the queue went away"));

        await Assert.ThrowsAsync<IOException>(() => _h.Redriver(_queue).ApplyAsync(PipelineHarness.Envelope(Text), 1, capture.Object, CancellationToken.None));

        capture.Verify(c => c.PostponeAsync(It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Never());
        capture.Verify(c => c.PoisonAsync(It.IsAny<CancellationToken>()), Times.Never());
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    public async Task AFailedAttemptIsLeftToTheHostUntilTheLastWhichIsPoisoned(long attempt, bool poisoned)
    {
        await _h.SeedRosterAsync(9);
        _h.Sink.Fault = new InvalidOperationException("the rows themselves were refused");
        var capture = new Mock<IRedrivenCapture>();

        var verdict = await _h.Redriver(_queue, maxDequeueCount: 5).ApplyAsync(PipelineHarness.Envelope(Text), attempt, capture.Object, CancellationToken.None);

        Assert.Equal(RedriveVerdict.Failed, verdict);
        capture.Verify(c => c.PoisonAsync(It.IsAny<CancellationToken>()), poisoned ? Times.Once() : Times.Never());
        capture.Verify(c => c.FailedAsync(It.IsAny<Core.Domain.IngestEnvelope>(), attempt), poisoned ? Times.Never() : Times.Once());
        Assert.Equal(poisoned ? 1 : 0, _h.Meters.Sum("ingest.poisoned"));
    }

    [Fact]
    public async Task WhileTheSinksCircuitIsOpenNothingIsReceivedSoNoAttemptIsSpent()
    {
        await _h.SeedRosterAsync(9);
        await _queue.CaptureAsync(PipelineHarness.Envelope("""{"event":"x","body":{"id":5,"type":2,"user_id":9}}"""), CancellationToken.None);
        var redriver = _h.Redriver(_queue, maxDequeueCount: 1);
        _h.Clock.Advance(TimeSpan.FromSeconds(31));

        _h.Sink.RefusingFor = TimeSpan.FromSeconds(20);
        Assert.Equal((0, 0), await redriver.RunOnceAsync(CancellationToken.None));
        Assert.Equal((0, 0), await redriver.RunOnceAsync(CancellationToken.None));
        _h.Sink.RefusingFor = TimeSpan.Zero;

        Assert.Equal((1, 1), await redriver.RunOnceAsync(CancellationToken.None));
        Assert.Single(_h.Facts);
    }

    [Fact]
    public async Task AnAttemptWhileTheSinksCircuitIsOpenIsPostponedUntilItClosesWithoutRunningThePipeline()
    {
        await _h.SeedRosterAsync(9);
        var redriver = _h.Redriver(_queue, maxDequeueCount: 1);
        _h.Sink.RefusingFor = TimeSpan.FromSeconds(20);

        var verdict = await redriver.AttemptAsync(PipelineHarness.Envelope("""{"event":"x","body":{"id":5,"type":2,"user_id":9}}"""), attempt: 1, CancellationToken.None);

        Assert.Equal(RedriveVerdict.Postpone, verdict); // not Failed: the last allowed attempt is not spent on an outage
        Assert.Equal(TimeSpan.FromSeconds(21), redriver.PostponeFor);
        Assert.Empty(_h.Facts);
        _h.Sink.RefusingFor = TimeSpan.Zero;
        Assert.Equal(new CaptureOptions().RedriveDelay, redriver.PostponeFor); // the redrive delay again
    }

    [Fact]
    public async Task MovesADeliveryThatKeepsFailingToPoison()
    {
        await _h.SeedRosterAsync(9);
        _h.FailFactPosts = int.MaxValue;
        await _queue.CaptureAsync(PipelineHarness.Envelope("""{"event":"x","body":{"id":5,"type":2,"user_id":9}}"""), CancellationToken.None);
        var redriver = _h.Redriver(_queue, maxDequeueCount: 2);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            _h.Clock.Advance(TimeSpan.FromSeconds(31));
            await redriver.RunOnceAsync(CancellationToken.None);
        }

        Assert.Equal(0, _queue.Count);
        Assert.Single(_queue.Poison);
    }

    [Fact]
    public async Task ADeliveryWhoseFactAnotherWorkerHoldsIsPostponedNotPoisonedAndLandsOnceTheLeaseLapses()
    {
        await _h.SeedRosterAsync(9);
        // A worker that stalled or died right after its claim: its lease outlives more redrive rounds than the attempts allowed.
        var stalled = await _h.Ledger.ClaimAsync("aloware#TEXTS#5", "agent=9;date=20261126", CancellationToken.None);
        Assert.Equal(Storage.ClaimStatus.Acquired, stalled.Status);
        await _queue.CaptureAsync(PipelineHarness.Envelope("""{"event":"x","body":{"id":5,"type":2,"user_id":9}}"""), CancellationToken.None);
        var redriver = _h.Redriver(_queue, maxDequeueCount: 2);

        var rounds = (int)(new Configuration.LedgerOptions().LeaseDuration / TimeSpan.FromSeconds(31));
        Assert.True(rounds > 2, "the lease must outlive the attempts for this test to mean anything");
        for (var round = 0; round < rounds; round++)
        {
            _h.Clock.Advance(TimeSpan.FromSeconds(31));
            await redriver.RunOnceAsync(CancellationToken.None);
        }

        Assert.Empty(_queue.Poison);
        Assert.Equal(1, _queue.Count);
        Assert.Empty(_h.Facts);

        _h.Clock.Advance(TimeSpan.FromSeconds(31)); // the lease lapses
        await redriver.RunOnceAsync(CancellationToken.None);

        Assert.Equal(0, _queue.Count);
        Assert.Equal("aloware#TEXTS#5", Assert.Single(_h.Facts).EventKey);
    }

    [Fact]
    public async Task AnOutageLongerThanEveryAttemptPostponesInsteadOfPoisoning()
    {
        await _h.SeedRosterAsync(9);
        await _queue.CaptureAsync(PipelineHarness.Envelope("""{"event":"x","body":{"id":5,"type":2,"user_id":9}}"""), CancellationToken.None);
        var redriver = _h.Redriver(_queue, maxDequeueCount: 2);
        _h.Sink.Fault = new Storage.StoreUnavailableException("DynamoDB ledger claim failed transiently", new IOException("refused"));

        for (var round = 0; round < 10; round++)
        {
            _h.Clock.Advance(TimeSpan.FromSeconds(31));
            await redriver.RunOnceAsync(CancellationToken.None);
        }

        Assert.Empty(_queue.Poison);
        _h.Sink.Fault = null;
        _h.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal((1, 1), await redriver.RunOnceAsync(CancellationToken.None));
        Assert.Single(_h.Facts);
    }
}
