using Ingest.Core.Storage;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Keeps this app's POST rows requests to one dataset within the push limits, before Power BI has to say
/// 429: POSTs paced evenly at the per-minute rate (so a burst never empties the minute and stalls callers),
/// at most the per-minute count in any sliding minute, the hourly POST count once FactEvent is large, and
/// the rows per hour. With <see cref="PowerBiWriterOptions.SharedBudget"/>, every POST is also taken from
/// fixed windows shared by all instances, sized so no sliding window can exceed a limit.
/// </summary>
public sealed class PushLimiter(IOptions<PowerBiOptions> options, IPushBudget budget, TimeProvider clock)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(10);

    private readonly PowerBiWriterOptions _limits = options.Value.Writer;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Queue<DateTimeOffset> _lastMinute = new();
    private readonly Queue<DateTimeOffset> _lastHour = new();
    private readonly Queue<(DateTimeOffset At, int Rows)> _rows = new();
    private long _rowsLastHour;
    private long _factRowsLanded = -1;
    private DateTimeOffset _lastPost = DateTimeOffset.MinValue;

    /// <summary>
    /// True once this app has put <see cref="PowerBiWriterOptions.LargeTableRows"/> rows into FactEvent. The count is
    /// kept in the budget store, so with DynamoDB it is shared by every instance and survives restarts.
    /// </summary>
    public bool LargeTableRegime => Interlocked.Read(ref _factRowsLanded) >= _limits.LargeTableRows;

    private string FactRowsCounter => $"{options.Value.WorkspaceId}/{options.Value.DatasetName}#FactEvent-rows";

    /// <summary>Waits until a POST of <paramref name="rows"/> rows is within every limit, then counts it.</summary>
    /// <remarks>The limits' own tests take both steps at once; <see cref="PushPolicy"/> takes them apart, the rows once the batch is known.</remarks>
    internal async Task AcquireAsync(int rows, CancellationToken cancellationToken)
    {
        await AcquirePostAsync(cancellationToken);
        await AcquireRowsAsync(rows, cancellationToken);
    }

    /// <summary>Waits for a POST slot (pacing, per-minute and hourly counts), then counts the POST.</summary>
    public Task AcquirePostAsync(CancellationToken cancellationToken) => InTurnAsync(async () =>
    {
        if (Interlocked.Read(ref _factRowsLanded) < 0)
        {
            await LoadFactRowsLandedAsync(cancellationToken);
        }

        TimeSpan wait;
        while ((wait = PostWait(clock.GetUtcNow())) > TimeSpan.Zero)
        {
            await Task.Delay(wait + Margin, clock, cancellationToken);
        }

        if (_limits.SharedBudget)
        {
            await TakeSharedAsync(LargeTableRegime ? [PostsPerMinute, PostsPerHour] : [PostsPerMinute], 1, cancellationToken);
        }

        var now = clock.GetUtcNow();
        _lastPost = now;
        _lastMinute.Enqueue(now);
        _lastHour.Enqueue(now);
    }, cancellationToken);

    /// <summary>Waits until <paramref name="rows"/> more rows stay within the rows per hour, then counts them.</summary>
    public Task AcquireRowsAsync(int rows, CancellationToken cancellationToken) => InTurnAsync(async () =>
    {
        TimeSpan wait;
        while ((wait = RowsWait(rows, clock.GetUtcNow())) > TimeSpan.Zero)
        {
            await Task.Delay(wait + Margin, clock, cancellationToken);
        }

        if (_limits.SharedBudget)
        {
            await TakeSharedAsync([RowsPerHour], rows, cancellationToken);
        }

        _rows.Enqueue((clock.GetUtcNow(), rows));
        _rowsLastHour += rows;
    }, cancellationToken);

    /// <summary>One caller at a time, so waiting callers are served in order and none jumps the pacing.</summary>
    private async Task InTurnAsync(Func<Task> work, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            await work();
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Counts rows that landed in FactEvent, for the switch to the hourly POST limit.</summary>
    public async Task FactRowsLandedAsync(int rows, CancellationToken cancellationToken)
        => Interlocked.Exchange(ref _factRowsLanded, await budget.CountAsync(FactRowsCounter, rows, cancellationToken));

    /// <summary>Reads the shared count once; while the store cannot say, the per-minute limit applies and 429s are honoured.</summary>
    private async Task LoadFactRowsLandedAsync(CancellationToken cancellationToken)
    {
        try
        {
            Interlocked.Exchange(ref _factRowsLanded, await budget.CountAsync(FactRowsCounter, 0, cancellationToken));
        }
        catch (StoreUnavailableException)
        {
            // Left unknown: the next POST asks again.
        }
    }

    /// <summary>FactEvent was cleared: the per-minute POST limit applies again until it passes the large-table size.</summary>
    public async Task FactEventClearedAsync(CancellationToken cancellationToken)
    {
        await budget.ResetCountAsync(FactRowsCounter, cancellationToken);
        Interlocked.Exchange(ref _factRowsLanded, 0);
    }

    private TimeSpan PostWait(DateTimeOffset now)
    {
        Forget(now);
        var wait = _lastPost + Interval - now;
        if (_lastMinute.Count >= _limits.MaxPostsPerMinute)
        {
            wait = Max(wait, _lastMinute.Peek() + Minute - now);
        }

        if (LargeTableRegime && _lastHour.Count >= _limits.MaxPostsPerHourWhenLarge)
        {
            wait = Max(wait, _lastHour.ElementAt(_lastHour.Count - _limits.MaxPostsPerHourWhenLarge) + Hour - now);
        }

        return wait;
    }

    private TimeSpan RowsWait(int rows, DateTimeOffset now)
    {
        Forget(now);
        var freed = 0L;
        foreach (var (at, count) in _rows)
        {
            if (_rowsLastHour - freed + rows <= _limits.MaxRowsPerHour)
            {
                break;
            }

            freed += count;
            if (_rowsLastHour - freed + rows <= _limits.MaxRowsPerHour)
            {
                return at + Hour - now;
            }
        }

        return TimeSpan.Zero;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The even spacing of POSTs: a minute over the per-minute limit, or an hour over the hourly one once FactEvent is large.</summary>
    private TimeSpan Interval => LargeTableRegime ? Hour / _limits.MaxPostsPerHourWhenLarge : Minute / _limits.MaxPostsPerMinute;

    private void Forget(DateTimeOffset now)
    {
        while (_lastMinute.TryPeek(out var at) && at <= now - Minute)
        {
            _lastMinute.Dequeue();
        }

        while (_lastHour.TryPeek(out var at) && at <= now - Hour)
        {
            _lastHour.Dequeue();
        }

        while (_rows.TryPeek(out var added) && added.At <= now - Hour)
        {
            _rowsLastHour -= _rows.Dequeue().Rows;
        }
    }

    private sealed record SharedWindow(string Name, TimeSpan Length, Func<PowerBiWriterOptions, long> Limit);

    /// <summary>
    /// Fixed windows of length W and limit L let at most L·(60/W + 1) through in any sliding minute (and
    /// likewise per hour), so each limit is divided accordingly: 10 s windows for the POSTs per minute,
    /// 5 min windows for the hourly limits.
    /// </summary>
    private static readonly SharedWindow PostsPerMinute = new("posts-per-minute", TimeSpan.FromSeconds(10), o => o.MaxPostsPerMinute / 7);
    private static readonly SharedWindow PostsPerHour = new("posts-per-hour", TimeSpan.FromMinutes(5), o => Math.Max(1, o.MaxPostsPerHourWhenLarge / 13));
    private static readonly SharedWindow RowsPerHour = new("rows-per-hour", TimeSpan.FromMinutes(5), o => o.MaxRowsPerHour / 13);

    private async Task TakeSharedAsync(IEnumerable<SharedWindow> windows, long amount, CancellationToken cancellationToken)
    {
        var dataset = options.Value.WorkspaceId + "/" + options.Value.DatasetName;
        foreach (var window in windows)
        {
            while (true)
            {
                var now = clock.GetUtcNow();
                var start = new DateTimeOffset(now.UtcTicks - now.UtcTicks % window.Length.Ticks, TimeSpan.Zero);
                if (await budget.TryTakeAsync($"{dataset}#{window.Name}", start, window.Length, window.Limit(_limits), amount, cancellationToken))
                {
                    break;
                }

                await Task.Delay(start + window.Length - now + Margin, clock, cancellationToken);
            }
        }
    }
}
