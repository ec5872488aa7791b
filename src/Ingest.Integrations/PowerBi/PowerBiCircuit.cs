using Ingest.Core.Storage;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// What the FactEvent breaker last decided, for those who must not call at all while it is open: the writer refuses
/// rows at once, and the redrive postpones deliveries instead of attempting them.
/// </summary>
public sealed class PowerBiCircuit : ISinkAvailability
{
    private readonly TimeProvider _clock;
    private readonly PowerBiMetrics _metrics;
    private long _openUntilTicks;

    public PowerBiCircuit(TimeProvider clock, PowerBiMetrics metrics)
    {
        _clock = clock;
        _metrics = metrics;
        metrics.ObserveCircuit(() => IsOpen);
    }

    public void Opened(TimeSpan breakDuration)
    {
        Interlocked.Exchange(ref _openUntilTicks, (_clock.GetUtcNow() + breakDuration).UtcTicks);
        _metrics.CircuitOpened();
    }

    public void Closed() => Interlocked.Exchange(ref _openUntilTicks, 0);

    public DateTimeOffset OpenUntil => new(Interlocked.Read(ref _openUntilTicks), TimeSpan.Zero);

    /// <summary>How much longer the breaker refuses; zero once it lets a trial POST through.</summary>
    public TimeSpan RefusingFor => OpenUntil - _clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    public bool IsOpen => RefusingFor > TimeSpan.Zero;
}
