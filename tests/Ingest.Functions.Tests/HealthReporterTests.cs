using Ingest.Core.Telemetry;
using Ingest.Functions.Health;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Ingest.Functions.Tests;

public sealed class HealthReporterTests
{
    private static Mock<IDependencyProbe> Probe(string name, bool optional, Exception? failure = null)
    {
        var probe = new Mock<IDependencyProbe>();
        probe.Setup(p => p.Name).Returns(name);
        probe.Setup(p => p.Optional).Returns(optional);
        probe.Setup(p => p.ProbeAsync(It.IsAny<CancellationToken>())).Returns(failure is null ? Task.CompletedTask : Task.FromException(failure));
        return probe;
    }

    [Fact]
    public async Task TheCaptureStoreDownMakesTheAppUnavailable()
    {
        var reporter = new HealthReporter([Probe("captureQueue", optional: false, new TimeoutException()).Object, Probe("powerBi", optional: true).Object], [], TimeProvider.System);

        var report = await reporter.ReportAsync(CancellationToken.None);

        Assert.Equal("unavailable", report.Status);
        Assert.False(report.CanAccept);
        Assert.Equal("TimeoutException", report.Dependencies.Single(d => d.Name == "captureQueue").Error);
    }

    [Fact]
    public async Task AnOpenCircuitDegradesAndTheWritersCountersAreReported()
    {
        var writer = Mock.Of<IWriterStats>(w => w.Stats() == new WriterStats(7, 70, 1, 2, 0, 0, 0, true, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero));
        var reporter = new HealthReporter([Probe("captureQueue", optional: false).Object], [writer], TimeProvider.System);

        var report = await reporter.ReportAsync(CancellationToken.None);

        Assert.Equal("degraded", report.Status);
        Assert.Equal(7, report.Writer!.Posts);
    }

    [Fact]
    public async Task ProbesRunAgainOnlyAfterTheCacheExpires()
    {
        var clock = new FakeTimeProvider();
        var dynamo = Probe("dynamodb", optional: true);
        var reporter = new HealthReporter([dynamo.Object], [], clock);

        await reporter.ReportAsync(CancellationToken.None);
        clock.Advance(HealthReporter.CacheFor - TimeSpan.FromSeconds(1));
        await reporter.ReportAsync(CancellationToken.None);
        dynamo.Verify(p => p.ProbeAsync(It.IsAny<CancellationToken>()), Times.Once());

        clock.Advance(TimeSpan.FromSeconds(2));
        var report = await reporter.ReportAsync(CancellationToken.None);
        dynamo.Verify(p => p.ProbeAsync(It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.Equal("ok", report.Status);
    }
}
