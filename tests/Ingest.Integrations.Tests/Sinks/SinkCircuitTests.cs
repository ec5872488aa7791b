using Ingest.Integrations.Eventhouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.Sinks;

/// <summary>The breaker both sinks share, on a fake clock: when it opens, what a trial does, and what no longer counts.</summary>
public sealed class SinkCircuitTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly EventhouseCircuit _circuit;

    public SinkCircuitTests()
    {
        var options = Options.Create(new EventhouseOptions { Writer = { BreakerFailures = 2, BreakerOpenFor = TimeSpan.FromSeconds(30) } });
        var metrics = new EventhouseMetrics(_meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        _circuit = new EventhouseCircuit(options, _clock, metrics, NullLogger<EventhouseCircuit>.Instance);
    }

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void FailuresWithNoneLandingOpenItAndAFailedTrialOpensItAgain()
    {
        _circuit.Failed(_clock.GetUtcNow());
        Assert.False(_circuit.IsOpen);
        _circuit.Failed(_clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(30), _circuit.RefusingFor);
        Assert.Throws<EventhouseUnavailableException>(_circuit.ThrowIfOpen);

        _clock.Advance(TimeSpan.FromSeconds(31));
        _circuit.ThrowIfOpen(); // on trial: a write may go
        _circuit.Failed(_clock.GetUtcNow());

        Assert.True(_circuit.IsOpen); // one failed trial is enough
    }

    [Fact]
    public void AWriteThatStartedBeforeItOpenedDoesNotReopenItWhenItFailsLate()
    {
        var startedEarly = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromSeconds(1));
        _circuit.Failed(_clock.GetUtcNow());
        _circuit.Failed(_clock.GetUtcNow());
        Assert.True(_circuit.IsOpen);

        // Its retries outlast the break: its failure says nothing about the trial that follows.
        _clock.Advance(TimeSpan.FromSeconds(45));
        _circuit.Failed(startedEarly);

        Assert.False(_circuit.IsOpen);
        _circuit.Landed();
        _circuit.Failed(_clock.GetUtcNow());
        Assert.False(_circuit.IsOpen); // closed again: one failure is not two
    }
}
