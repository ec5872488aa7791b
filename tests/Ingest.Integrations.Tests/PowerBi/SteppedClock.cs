using System.Diagnostics;
using Ingest.Integrations.PowerBi;
using Ingest.PowerBiEmulator;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.PowerBi;

/// <summary>
/// Simulated time for the Power BI scenarios: a <see cref="FakeTimeProvider"/> that moves only when the test
/// advances it, a <see cref="Step"/> at a time, and only once nothing the rig sent (through <see cref="Wire"/> or
/// <see cref="Counting"/>) is still being served. A request the emulator holds on this clock waits for time, not
/// work, so it does not hold the clock back. The clock therefore never moves while a request is on the wire, however
/// slow the machine; work a step releases gets two quiet checks (a millisecond or more each) to start its request.
/// </summary>
public sealed class SteppedClock(DateTimeOffset start, TimeSpan step)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private int _working;
    private int _sent;
    private Func<int> _heldByTheClock = () => 0;

    /// <summary>Starts at the real present (records the shared budget keeps in DynamoDB Local expire in real time), 100 ms a step.</summary>
    public SteppedClock() : this(Stores.StoreClock.Start(), TimeSpan.FromMilliseconds(100))
    {
    }

    public FakeTimeProvider Clock { get; } = new(start);
    public TimeSpan Step { get; } = step;

    /// <summary>How many requests went out through <see cref="Wire"/>.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>An emulator on this clock, over a real socket; the requests its latency holds wait for time, so they count as settled.</summary>
    public async Task<EmulatorServer> StartEmulatorAsync()
    {
        var emulator = new PushEmulator(Clock);
        _heldByTheClock = () => emulator.HeldRequests;
        return await EmulatorServer.StartAsync(emulator);
    }

    /// <summary>A socket handler whose requests hold the clock until they are answered.</summary>
    public HttpMessageHandler Wire() => new CountingHandler(this) { InnerHandler = new SocketsHttpHandler() };

    /// <summary>The budget, its calls (DynamoDB Local over HTTP) holding the clock until they return.</summary>
    public IPushBudget Counting(IPushBudget budget) => new CountingBudget(budget, this);

    /// <summary>Moves the clock on by <paramref name="by"/>, a step at a time, settling before each.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        for (var left = by; left > TimeSpan.Zero; left -= Step)
        {
            await SettleAsync();
            Clock.Advance(left < Step ? left : Step);
        }
    }

    /// <summary>Steps the clock until <paramref name="work"/> completes, then returns its outcome; at most <paramref name="within"/> of simulated time.</summary>
    public async Task RunAsync(Task work, TimeSpan? within = null)
    {
        var deadline = Clock.GetUtcNow() + (within ?? TimeSpan.FromMinutes(10));
        while (!work.IsCompleted)
        {
            await SettleAsync();
            if (work.IsCompleted)
            {
                break;
            }

            if (Clock.GetUtcNow() >= deadline)
            {
                throw new TimeoutException($"Still not done after {within ?? TimeSpan.FromMinutes(10)} of simulated time.");
            }

            Clock.Advance(Step);
        }

        await work;
    }

    public async Task<T> RunAsync<T>(Task<T> work, TimeSpan? within = null)
    {
        await RunAsync((Task)work, within);
        return await work;
    }

    /// <summary>
    /// Waits (in real time, without moving the clock) until two checks in a row find nothing in flight but what the
    /// emulator holds on the clock; the gap between checks lets continuations the last step released start their requests.
    /// </summary>
    private async Task SettleAsync()
    {
        var started = Stopwatch.GetTimestamp();
        for (var quiet = 0; quiet < 2;)
        {
            await Task.Delay(1);
            quiet = Volatile.Read(ref _working) <= _heldByTheClock() ? quiet + 1 : 0;
            if (Stopwatch.GetElapsedTime(started) > Patience)
            {
                throw new TimeoutException($"The rig kept {_working} request(s) in flight for {Patience} of real time.");
            }
        }
    }

    private async Task<T> WorkAsync<T>(Func<Task<T>> work)
    {
        Interlocked.Increment(ref _working);
        try
        {
            return await work();
        }
        finally
        {
            Interlocked.Decrement(ref _working);
        }
    }

    private sealed class CountingHandler(SteppedClock clock) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref clock._sent);
            return clock.WorkAsync(() => base.SendAsync(request, cancellationToken));
        }
    }

    private sealed class CountingBudget(IPushBudget inner, SteppedClock clock) : IPushBudget
    {
        public Task<bool> TryTakeAsync(string budget, DateTimeOffset windowStart, TimeSpan window, long limit, long amount, CancellationToken cancellationToken)
            => clock.WorkAsync(() => inner.TryTakeAsync(budget, windowStart, window, limit, amount, cancellationToken));

        public Task<long> CountAsync(string counter, long amount, CancellationToken cancellationToken)
            => clock.WorkAsync(() => inner.CountAsync(counter, amount, cancellationToken));

        public Task ResetCountAsync(string counter, CancellationToken cancellationToken)
            => clock.WorkAsync(async () => { await inner.ResetCountAsync(counter, cancellationToken); return true; });

        public Task<string?> TryTakeSlotAsync(string pool, int slots, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
            => clock.WorkAsync(() => inner.TryTakeSlotAsync(pool, slots, lease, now, cancellationToken));

        public Task ReleaseSlotAsync(string pool, string slotToken, CancellationToken cancellationToken)
            => clock.WorkAsync(async () => { await inner.ReleaseSlotAsync(pool, slotToken, cancellationToken); return true; });
    }
}
