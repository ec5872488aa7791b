using System.Net;

namespace Ingest.PowerBiEmulator;

/// <summary>Faults a test injects into POST rows requests: the next few answered with a status, or every one delayed.</summary>
public sealed class EmulatorFaults
{
    private readonly Lock _gate = new();
    private int _status;
    private int _count;
    private long _latencyTicks;
    private int _held;

    /// <summary>How long every POST rows request is held before it is served.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>How many POST rows requests the latency holds right now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Holds a request for <see cref="Latency"/> on <paramref name="clock"/>.</summary>
    public async Task HoldAsync(TimeSpan latency, TimeProvider clock, CancellationToken cancellationToken)
    {
        var held = Task.Delay(latency, clock, cancellationToken); // its timer exists before the request counts as held
        Interlocked.Increment(ref _held);
        try
        {
            await held;
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    public void Inject(int status, int count)
    {
        lock (_gate)
        {
            (_status, _count) = (status, Math.Max(0, count));
        }
    }

    /// <summary>The injected status for this request, or null when none is left.</summary>
    public int? TakeStatus()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return null;
            }

            _count--;
            return _status;
        }
    }

    /// <summary>The injected answer for this request in Power BI's shape, or null when none is left.</summary>
    internal EmulatorResponse? TakeFault()
        => TakeStatus() is { } status
            ? EmulatorResponse.Error((HttpStatusCode)status, "InjectedFault", "A fault injected by a test.", status == 429 ? TimeSpan.FromSeconds(1) : null)
            : null;
}
