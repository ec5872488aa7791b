using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Ingest.Integrations.Sinks;

/// <summary>
/// A sink's breaker, and the one place its state lives. <c>failures</c> failed writes (each after its retries) with
/// none landing within <see cref="SamplingWindow"/> open it for <c>openFor</c>; then writes are let through on trial:
/// the first to land closes it, the first to fail opens it again. The writer refuses rows while it is open, and the
/// redrive postpones (<see cref="ISinkAvailability"/>).
/// </summary>
public abstract class SinkCircuit : ISinkAvailability
{
    /// <summary>Long enough to hold several failed writes of an outage (each up to four attempts with backoff).</summary>
    public static readonly TimeSpan SamplingWindow = TimeSpan.FromMinutes(2);

    private readonly string _sink;
    private readonly int _failures;
    private readonly TimeSpan _openFor;
    private readonly TimeProvider _clock;
    private readonly Action _opened;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _recent = new();
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _openedAt = DateTimeOffset.MinValue;
    private bool _onTrial;

    /// <param name="opened">Counts an open (the metric the circuit alert reads).</param>
    protected SinkCircuit(string sink, int failures, TimeSpan openFor, TimeProvider clock, Action opened, ILogger logger)
        => (_sink, _failures, _openFor, _clock, _opened, _logger) = (sink, failures, openFor, clock, opened, logger);

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

    /// <summary>How much longer the breaker refuses; zero once it lets a trial write through.</summary>
    public TimeSpan RefusingFor => OpenUntil - _clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    public bool IsOpen => RefusingFor > TimeSpan.Zero;

    /// <summary>Thrown while the circuit is open: nothing may be sent.</summary>
    protected abstract Exception Refusal(string message);

    public void ThrowIfOpen()
    {
        if (IsOpen)
        {
            throw Refusal($"{_sink}'s circuit is open after {_failures} failed writes; not calling it until {OpenUntil:O}.");
        }
    }

    /// <summary>A write landed, or the sink answered (a refusal of the rows is no outage): the failures so far no longer count, and a trial closes it.</summary>
    public void Landed()
    {
        lock (_gate)
        {
            _recent.Clear();
            _onTrial = false;
        }
    }

    /// <summary>A write started at <paramref name="startedAt"/> failed for a reason of the sink's (not the rows' own fault, not the caller's cancel).</summary>
    public void Failed(DateTimeOffset startedAt)
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            if (now < _openUntil || startedAt < _openedAt)
            {
                return; // started before the circuit last opened (its retries may outlast the break): that outage is counted
            }

            _recent.Enqueue(now);
            while (_recent.Peek() <= now - SamplingWindow)
            {
                _recent.Dequeue();
            }

            if (!_onTrial && _recent.Count < _failures)
            {
                return;
            }

            _recent.Clear();
            (_openedAt, _openUntil) = (now, now + _openFor);
            _onTrial = true; // every write after the break is a trial until one lands
        }

        _opened();
        _logger.LogError("{Sink} failed {Failures} or more writes with none landing (or a trial failed): circuit open for {BreakDuration}", _sink, _failures, _openFor);
    }
}
