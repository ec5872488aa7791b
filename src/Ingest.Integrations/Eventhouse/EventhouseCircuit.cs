using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Eventhouse;

/// <summary>The Eventhouse breaker (<see cref="EventhouseWriterOptions.BreakerFailures"/> failed requests, open for <see cref="EventhouseWriterOptions.BreakerOpenFor"/>).</summary>
public sealed class EventhouseCircuit : SinkCircuit
{
    public EventhouseCircuit(IOptions<EventhouseOptions> options, TimeProvider clock, EventhouseMetrics metrics, ILogger<EventhouseCircuit> logger)
        : base("The Eventhouse", options.Value.Writer.BreakerFailures, options.Value.Writer.BreakerOpenFor, clock, metrics.CircuitOpened, logger)
        => metrics.ObserveCircuit(() => IsOpen);

    protected override Exception Refusal(string message) => new EventhouseUnavailableException(message);
}
