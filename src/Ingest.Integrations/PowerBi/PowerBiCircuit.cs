using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// The FactEvent breaker, and the one place its state lives. <see cref="PowerBiWriterOptions.BreakerFailures"/> failed
/// POSTs (each after its retries) with none landing within <see cref="SamplingWindow"/> open it for
/// <see cref="PowerBiWriterOptions.BreakerOpenFor"/>; then POSTs are let through on trial: the first to land closes
/// it, the first to fail opens it again. The writer refuses rows while it is open, and the redrive postpones.
/// </summary>
public sealed class PowerBiCircuit : ISinkAvailability
{
    /// <summary>Long enough to hold several failed POSTs of an outage (each up to four attempts with backoff).</summary>
    public static readonly TimeSpan SamplingWindow = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _clock;
    private readonly PowerBiMetrics _metrics;
    private readonly ILogger<PowerBiCircuit> _logger;
    private readonly PowerBiWriterOptions _limits;
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _failures = new();
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
    private bool _onTrial;

    public PowerBiCircuit(IOptions<PowerBiOptions> options, TimeProvider clock, PowerBiMetrics metrics, ILogger<PowerBiCircuit> logger)
    {
        (_limits, _clock, _metrics, _logger) = (options.Value.Writer, clock, metrics, logger);
        metrics.ObserveCircuit(() => IsOpen);
    }

    public DateTimeOffset OpenUntil
    {
        get
        {
            lock (_gate)
            {
                return _openUntil;
            }
        }
    }

    /// <summary>How much longer the breaker refuses; zero once it lets a trial POST through.</summary>
    public TimeSpan RefusingFor => OpenUntil - _clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    public bool IsOpen => RefusingFor > TimeSpan.Zero;

    /// <exception cref="PowerBiUnavailableException">The circuit is open: nothing may be sent.</exception>
    public void ThrowIfOpen()
    {
        if (IsOpen)
        {
            throw new PowerBiUnavailableException($"Power BI's circuit is open after {_limits.BreakerFailures} failed POSTs; not calling it until {OpenUntil:O}.");
        }
    }

    /// <summary>A POST landed: the failures so far no longer count, and a trial closes the circuit.</summary>
    public void Landed()
    {
        lock (_gate)
        {
            _failures.Clear();
            _onTrial = false;
        }
    }

    /// <summary>A POST failed for a reason of Power BI's (not the rows' own fault, not the caller's cancel).</summary>
    public void Failed()
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            if (now < _openUntil)
            {
                return; // sent before it opened: this outage is already counted
            }

            _failures.Enqueue(now);
            while (_failures.Peek() <= now - SamplingWindow)
            {
                _failures.Dequeue();
            }

            if (!_onTrial && _failures.Count < _limits.BreakerFailures)
            {
                return;
            }

            _failures.Clear();
            _openUntil = now + _limits.BreakerOpenFor;
            _onTrial = true; // every POST after the break is a trial until one lands
        }

        _metrics.CircuitOpened();
        _logger.LogError("Power BI failed {Failures} or more FactEvent POSTs with none landing: circuit open for {BreakDuration}", _limits.BreakerFailures, _limits.BreakerOpenFor);
    }
}
