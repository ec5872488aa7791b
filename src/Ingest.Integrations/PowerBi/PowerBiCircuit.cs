using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>The FactEvent breaker (<see cref="PowerBiWriterOptions.BreakerFailures"/> failed POSTs, open for <see cref="PowerBiWriterOptions.BreakerOpenFor"/>).</summary>
public sealed class PowerBiCircuit : SinkCircuit
{
    public PowerBiCircuit(IOptions<PowerBiOptions> options, TimeProvider clock, PowerBiMetrics metrics, ILogger<PowerBiCircuit> logger)
        : base("Power BI", options.Value.Writer.BreakerFailures, options.Value.Writer.BreakerOpenFor, clock, metrics.CircuitOpened, logger)
        => metrics.ObserveCircuit(() => IsOpen);

    protected override Exception Refusal(string message) => new PowerBiUnavailableException(message);
}
