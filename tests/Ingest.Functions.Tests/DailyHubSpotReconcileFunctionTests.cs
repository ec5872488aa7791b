using System.Diagnostics.Metrics;
using Ingest.Core.Telemetry;
using Ingest.Core.Time;
using Ingest.Functions.Admin;
using Ingest.Integrations.HubSpot;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Ingest.Functions.Tests;

/// <summary>
/// The daily HubSpot reconciliation records its failure as a poisoned delivery does: a counter the alert
/// "Daily reconciliation failed" queries (<c>ingest.reconcile.failed</c>) and a log at Error.
/// </summary>
public sealed class DailyHubSpotReconcileFunctionTests : IDisposable
{
    private const string Failed = "ingest.reconcile.failed";

    private readonly CapturedLogs _logs = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, string? Source)> _recorded = [];
    private ServiceProvider? _services;

    public void Dispose()
    {
        _listener.Dispose();
        _services?.Dispose();
    }

    private DailyHubSpotReconcileFunction Function(IHubSpotReconciler reconciler)
    {
        _services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(_logs))
            .AddIngestMetrics()
            .AddSingleton(reconciler)
            .AddSingleton(BusinessCalendar.ForZoneId("America/New_York"))
            .AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 30, 0, TimeSpan.Zero)))
            .BuildServiceProvider();
        var ours = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this provider's meter: tests running alongside record on meters of the same name.
            if (ReferenceEquals(instrument.Meter.Scope, ours))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? source = null;
            foreach (var (key, tag) in tags)
            {
                source = key == "source" ? tag as string : source;
            }

            lock (_recorded)
            {
                _recorded.Add((instrument.Name, value, source));
            }
        });
        _listener.Start();
        return ActivatorUtilities.CreateInstance<DailyHubSpotReconcileFunction>(_services);
    }

    private long Recorded(string instrument)
    {
        lock (_recorded)
        {
            return _recorded.Where(r => r.Instrument == instrument).Sum(r => r.Value);
        }
    }

    private static Mock<IHubSpotReconciler> Throwing(Exception e)
    {
        var reconciler = new Mock<IHubSpotReconciler>();
        reconciler.Setup(r => r.ReconcileAsync(It.IsAny<DateOnly>(), It.IsAny<DateOnly>(), false, DailyHubSpotReconcileFunction.Actor, It.IsAny<byte[]>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(e);
        return reconciler;
    }

    [Fact]
    public async Task AFailedReconciliationIsCountedAndLoggedAtErrorAndTheRunStillFails()
    {
        var failure = new HttpRequestException("HubSpot's search answered 502");
        var function = Function(Throwing(failure).Object);

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => function.Run(new TimerInfo(), CancellationToken.None));

        Assert.Same(failure, thrown);
        Assert.Equal(1, Recorded(Failed));
        lock (_recorded)
        {
            Assert.Equal("hubspot", _recorded.Single(r => r.Instrument == Failed).Source);
        }

        var error = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Same(failure, error.Exception);
        // The business dates that are missing, so the runbook's reconcile can name them: the previous business day.
        Assert.Contains("2026-11-25", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARunStoppedAtItsDeadlineIsCountedAsAFailure()
    {
        var reconciler = new Mock<IHubSpotReconciler>();
        var none = new ReconcileCounts(0, 0, 0, 0);
        reconciler.Setup(r => r.ReconcileAsync(It.IsAny<DateOnly>(), It.IsAny<DateOnly>(), false, DailyHubSpotReconcileFunction.Actor, It.IsAny<byte[]>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ReconcileSummary(false, "2026-11-25", "2026-11-25", new ReconcileCounts(900, 0, 300, 0), none, Finished: false, Detail: "Stopped before counting every object found"));

        await Function(reconciler.Object).Run(new TimerInfo(), CancellationToken.None);

        Assert.Equal(1, Recorded(Failed));
        Assert.Contains("did not finish", Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubSpotNotConfiguredIsASkipNotAFailure()
    {
        var function = Function(new UnconfiguredHubSpotReconciler());

        await function.Run(new TimerInfo(), CancellationToken.None);

        Assert.Equal(0, Recorded(Failed));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task TheHostStoppingIsNotAFailure()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var function = Function(Throwing(new OperationCanceledException(stopping.Token)).Object);

        await Assert.ThrowsAsync<OperationCanceledException>(() => function.Run(new TimerInfo(), stopping.Token));

        Assert.Equal(0, Recorded(Failed));
        Assert.DoesNotContain(_logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (logs.Entries)
                {
                    logs.Entries.Add((logLevel, formatter(state, exception), exception));
                }
            }
        }
    }
}
