using Ingest.Functions.Health;
using Ingest.Integrations;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Ingest.Functions.Tests;

public sealed class HealthReporterTests
{
    /// <summary>A dependency that answers, or fails with <see cref="Failure"/>, and counts how often it was asked.</summary>
    private sealed class Dependency(Exception? failure = null) : DependencyProbe
    {
        public int Checks;

        protected override Task ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Checks);
            return failure is null ? Task.CompletedTask : Task.FromException(failure);
        }
    }

    private static HealthReporter Reporter(TimeProvider clock, IWriterStats[] writers, params (string Name, bool Optional, Dependency Check)[] dependencies)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks();
        foreach (var (name, optional, check) in dependencies)
        {
            services.AddDependencyCheck(name, optional, _ => check);
        }

        return new HealthReporter(services.BuildServiceProvider().GetRequiredService<HealthCheckService>(), writers, clock);
    }

    [Fact]
    public async Task TheCaptureStoreDownMakesTheAppUnavailable()
    {
        var reporter = Reporter(TimeProvider.System, [], ("captureQueue", false, new Dependency(new TimeoutException("https://account.queue.core.windows.net/..."))), ("powerBi", true, new Dependency()));

        var report = await reporter.ReportAsync(CancellationToken.None);

        Assert.Equal("unavailable", report.Status);
        Assert.False(report.CanAccept);
        Assert.Equal("TimeoutException", report.Dependencies.Single(d => d.Name == "captureQueue").Error); // not its message, which names the account
        Assert.True(report.Dependencies.Single(d => d.Name == "powerBi").Reachable);
    }

    [Fact]
    public async Task AnOptionalDependencyDownOnlyDegrades()
    {
        var reporter = Reporter(TimeProvider.System, [], ("captureQueue", false, new Dependency()), ("dynamodb", true, new Dependency(new HttpRequestException())));

        var report = await reporter.ReportAsync(CancellationToken.None);

        Assert.Equal("degraded", report.Status);
        Assert.True(report.CanAccept);
        Assert.Equal("HttpRequestException", report.Dependencies.Single(d => d.Name == "dynamodb").Error);
    }

    [Fact]
    public async Task AnOpenCircuitDegradesAndTheWritersCountersAreReported()
    {
        var writer = Mock.Of<IWriterStats>(w => w.Stats() == new WriterStats(7, 70, 1, 2, 0, 0, 0, true, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero));
        var reporter = Reporter(TimeProvider.System, [writer], ("captureQueue", false, new Dependency()));

        var report = await reporter.ReportAsync(CancellationToken.None);

        Assert.Equal("degraded", report.Status);
        Assert.Equal(7, report.Writer!.Posts);
    }

    [Fact]
    public async Task ChecksRunAgainOnlyAfterTheCacheExpires()
    {
        var clock = new FakeTimeProvider();
        var dynamo = new Dependency();
        var reporter = Reporter(clock, [], ("dynamodb", true, dynamo));

        await reporter.ReportAsync(CancellationToken.None);
        clock.Advance(HealthReporter.CacheFor - TimeSpan.FromSeconds(1));
        await reporter.ReportAsync(CancellationToken.None);
        Assert.Equal(1, dynamo.Checks);

        clock.Advance(TimeSpan.FromSeconds(2));
        var report = await reporter.ReportAsync(CancellationToken.None);
        Assert.Equal(2, dynamo.Checks);
        Assert.Equal("ok", report.Status);
    }
}
