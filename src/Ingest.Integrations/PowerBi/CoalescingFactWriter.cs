using System.Net;
using System.Text.Json;
using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Group commit for FactEvent: rows from concurrent requests go out together, one POST per flush (when a
/// batch is full, or a short window after its first row), at most <see cref="PowerBiWriterOptions.MaxPendingPosts"/>
/// in flight and every POST through the <see cref="PushLimiter"/>. Each caller awaits the batch holding its
/// rows, so the ledger completes only what landed. 429 waits Retry-After; 5xx and timeouts back off with
/// jitter; 400/413 split the batch to isolate the bad caller; every retry is bounded, a circuit breaker stops
/// calls to a dead endpoint, and a full queue refuses at once rather than growing without bound.
/// </summary>
public sealed class CoalescingFactWriter : IFactSink, IWriterStats, IAsyncDisposable
{
    private sealed record Submission(byte[][] Rows, TaskCompletionSource Done, DateTimeOffset EnqueuedAt);

    private readonly PowerBiRestClient _client;
    private readonly DatasetBootstrap _dataset;
    private readonly PushLimiter _limiter;
    private readonly PowerBiWriterOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<CoalescingFactWriter> _logger;
    private readonly IngestMetrics _metrics;
    private readonly Lock _gate = new();
    private readonly List<Submission> _pending = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _flusher;
    private int _queuedRows;
    private int _consecutiveFailures;
    private DateTimeOffset _circuitOpenUntil = DateTimeOffset.MinValue;
    private long _posts, _rows, _throttled, _retries, _rejectedRows, _failedBatches, _flushes;
    private TimeSpan _lastLatency, _maxLatency, _totalLatency;
    private readonly TimeSpan _maxWait;

    public CoalescingFactWriter(
        PowerBiRestClient client, DatasetBootstrap dataset, PushLimiter limiter, IOptions<PowerBiOptions> options, TimeProvider clock, IngestMetrics metrics,
        ILogger<CoalescingFactWriter> logger, IOptions<LedgerOptions>? ledger = null)
    {
        (_client, _dataset, _limiter, _options, _clock, _metrics, _logger) = (client, dataset, limiter, options.Value.Writer, clock, metrics, logger);
        metrics.ObserveCircuit(() => RefusingFor > TimeSpan.Zero);
        _inFlight = new SemaphoreSlim(_options.MaxPendingPosts);
        // Rows are posted while their ledger claim is surely still held: a claim older than its lease may have
        // been taken over, and posting it then would land the fact twice. A third leaves room for the DimDate
        // POST before and the FactEvent POST and the complete after.
        _maxWait = (ledger?.Value ?? new LedgerOptions()).LeaseDuration / 3;
    }

    public async Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (_clock.GetUtcNow() < _circuitOpenUntil)
        {
            throw new PowerBiUnavailableException($"Power BI failed {_options.BreakerFailures} POSTs in a row; not calling it until {_circuitOpenUntil:O}.");
        }

        var submissions = rows.Chunk(_options.MaxRowsPerPost)
            .Select(chunk => new Submission(chunk.Select(r => JsonSerializer.SerializeToUtf8Bytes(r)).ToArray(), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), _clock.GetUtcNow()))
            .ToArray();
        lock (_gate)
        {
            if (_queuedRows + rows.Count > _options.MaxQueuedRows)
            {
                throw new WriterSaturatedException(_queuedRows);
            }

            _pending.AddRange(submissions);
            _queuedRows += rows.Count;
            _flusher ??= StartFlusher();
        }

        _wake.Release();
        var done = Task.WhenAll(submissions.Select(s => s.Done.Task));
        try
        {
            await done.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Rows that landed meanwhile, or are in a POST already, must not have their claims released on a guess:
            // only rows never sent are withdrawn, and only then does the caller hear of its cancellation.
            if (!done.IsCompleted && Withdraw(submissions))
            {
                throw;
            }

            await done;
        }
    }

    /// <summary>Takes a cancelled caller's rows back, but only when none of them has been sent yet.</summary>
    private bool Withdraw(Submission[] submissions)
    {
        lock (_gate)
        {
            if (!submissions.All(_pending.Contains))
            {
                return false;
            }

            foreach (var submission in submissions)
            {
                _pending.Remove(submission);
                _queuedRows -= submission.Rows.Length;
                submission.Done.TrySetCanceled();
            }

            return true;
        }
    }

    /// <summary>The loop serves every request, so it must not carry the log scope of the one that happened to start it.</summary>
    private Task StartFlusher()
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(FlushLoopAsync);
        }
    }

    public WriterStats Stats()
    {
        lock (_gate)
        {
            return new WriterStats(_posts, _rows, _throttled, _retries, _rejectedRows, _failedBatches, _queuedRows, _clock.GetUtcNow() < _circuitOpenUntil,
                _lastLatency, _maxLatency, _flushes == 0 ? TimeSpan.Zero : _totalLatency / _flushes);
        }
    }

    private async Task FlushLoopAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await FlushOnceAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A slot could not be taken (the shared budget's store is down): tell the waiting callers, whose
                // deliveries stay captured, and keep serving the next ones.
                _logger.LogWarning(e, "Could not take a POST slot for FactEvent; the waiting rows are refused and their deliveries stay captured");
                FailAllPending(e);
            }
        }
    }

    private async Task FlushOnceAsync(CancellationToken stopping)
    {
        await _wake.WaitAsync(stopping);
        await WaitForBatchAsync(stopping);
        if (IsEmpty)
        {
            return;
        }

        // Wait for an in-flight slot and a POST slot first, so the batch taken after holds every row that came meanwhile.
        await _inFlight.WaitAsync(stopping);
        List<Submission> batch;
        try
        {
            await _limiter.AcquirePostAsync(stopping);
            batch = TakeBatch();
        }
        catch
        {
            _inFlight.Release();
            throw;
        }

        if (batch.Count == 0)
        {
            _inFlight.Release();
            return;
        }

        _ = SendAndReleaseAsync(batch);
    }

    private void FailAllPending(Exception e)
    {
        List<Submission> failed;
        lock (_gate)
        {
            failed = [.. _pending];
            _pending.Clear();
            _queuedRows = 0;
        }

        foreach (var submission in failed)
        {
            submission.Done.TrySetException(e);
        }
    }

    private bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count == 0;
            }
        }
    }

    /// <summary>Waits out the flush window after the oldest pending row, unless a full batch is ready sooner.</summary>
    private async Task WaitForBatchAsync(CancellationToken stopping)
    {
        DateTimeOffset due;
        lock (_gate)
        {
            if (_pending.Count == 0 || _queuedRows >= _options.MaxRowsPerPost)
            {
                return;
            }

            due = _pending[0].EnqueuedAt + _options.FlushWindow;
        }

        var wait = due - _clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _clock, stopping);
        }
    }

    private List<Submission> TakeBatch()
    {
        lock (_gate)
        {
            ExpireStale();
            var batch = new List<Submission>();
            int rows = 0, bytes = 0;
            foreach (var submission in _pending)
            {
                var size = submission.Rows.Sum(r => r.Length + 1);
                if (batch.Count > 0 && (rows + submission.Rows.Length > _options.MaxRowsPerPost || bytes + size > _options.MaxBytesPerPost))
                {
                    break;
                }

                batch.Add(submission);
                rows += submission.Rows.Length;
                bytes += size;
            }

            _pending.RemoveRange(0, batch.Count);
            _queuedRows -= rows;
            if (_pending.Count > 0)
            {
                _wake.Release();
            }

            return batch;
        }
    }

    private void ThrowIfStale(List<Submission> batch)
    {
        if (_clock.GetUtcNow() - batch.Min(b => b.EnqueuedAt) > _maxWait)
        {
            throw new PowerBiUnavailableException($"A FactEvent batch waited longer than {_maxWait} for its POST; its deliveries are redriven instead.");
        }
    }

    /// <summary>Fails rows that waited a third of a ledger lease (a long 429 regime): their deliveries stay captured for the redrive.</summary>
    private void ExpireStale()
    {
        var oldest = _clock.GetUtcNow() - _maxWait;
        var stale = _pending.Where(s => s.EnqueuedAt < oldest).ToArray();
        foreach (var submission in stale)
        {
            _pending.Remove(submission);
            _queuedRows -= submission.Rows.Length;
            submission.Done.TrySetException(new PowerBiUnavailableException(
                $"{submission.Rows.Length} FactEvent row(s) waited longer than {_maxWait} for a POST slot; their delivery is redriven instead."));
        }

        if (stale.Length > 0)
        {
            _logger.LogWarning("{Count} FactEvent submission(s) waited longer than {MaxWait}; failed to the redrive", stale.Length, _maxWait);
        }
    }

    private async Task SendAndReleaseAsync(List<Submission> batch)
    {
        try
        {
            await SendAsync(batch);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task SendAsync(List<Submission> batch)
    {
        if (await TryPostAsync(batch) is { } refused)
        {
            await IsolateOrFailAsync(batch, refused);
        }
    }

    /// <summary>Isolating needs more POSTs; any fault on the way reaches every caller not yet answered.</summary>
    private async Task IsolateOrFailAsync(List<Submission> batch, PowerBiException rejected)
    {
        try
        {
            await IsolateAsync(batch, rejected);
        }
        catch (Exception e)
        {
            Failed(batch, e);
        }
    }

    /// <summary>
    /// Halves a refused batch until the callers whose rows Power BI refuses are alone; the rest land. When both
    /// halves are refused for the same reason, every caller is refused at once: halving on costs 2k − 1 POSTs when
    /// all rows are bad, and a refused caller's delivery stays captured for the redrive, which batches it afresh.
    /// </summary>
    private async Task IsolateAsync(List<Submission> batch, PowerBiException rejected)
    {
        if (batch.Count == 1)
        {
            Reject(batch, rejected);
            return;
        }

        var (first, second) = (batch[..(batch.Count / 2)], batch[(batch.Count / 2)..]);
        var firstRefused = await PostPartAsync(first);
        if (firstRefused is null)
        {
            await PostPartOrIsolateAsync(second);
            return;
        }

        var secondRefused = await PostPartAsync(second);
        if (secondRefused is not null && secondRefused.ErrorCode == firstRefused.ErrorCode && secondRefused.Status == firstRefused.Status)
        {
            Reject(first, firstRefused);
            Reject(second, secondRefused);
            return;
        }

        await IsolateAsync(first, firstRefused);
        if (secondRefused is not null)
        {
            await IsolateAsync(second, secondRefused);
        }
    }

    private async Task PostPartOrIsolateAsync(List<Submission> part)
    {
        if (await PostPartAsync(part) is { } refused)
        {
            await IsolateAsync(part, refused);
        }
    }

    /// <summary>Posts part of a refused batch on a slot of its own.</summary>
    private async Task<PowerBiException?> PostPartAsync(List<Submission> part)
    {
        await _limiter.AcquirePostAsync(_stopping.Token);
        return await TryPostAsync(part);
    }

    /// <returns>Power BI's refusal of these rows (400/413), or null when they landed or failed otherwise (their callers are told).</returns>
    private async Task<PowerBiException?> TryPostAsync(List<Submission> batch)
    {
        var rows = batch.Sum(s => s.Rows.Length);
        try
        {
            var datasetId = await _dataset.GetDatasetIdAsync(_stopping.Token);
            await _limiter.AcquireRowsAsync(rows, _stopping.Token);
            await PostWithRetriesAsync(datasetId, batch, rows);
            Succeeded(batch, rows);
            await CountLandedAsync(rows);
            return null;
        }
        catch (PowerBiException refused) when (refused.Status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
        {
            return refused;
        }
        catch (Exception e)
        {
            Failed(batch, e);
            return null;
        }
    }

    private void Reject(List<Submission> callers, PowerBiException rejected)
    {
        var rows = callers.Sum(s => s.Rows.Length);
        lock (_gate)
        {
            _rejectedRows += rows;
        }

        _logger.LogError("Power BI refused {Rows} FactEvent row(s) from {Callers} caller(s): {Code} {Detail}", rows, callers.Count, rejected.ErrorCode, rejected.Detail);
        foreach (var caller in callers)
        {
            caller.Done.TrySetException(new RowsRejectedException($"Power BI refused the rows: {rejected.Detail}", rejected));
        }
    }

    private async Task PostWithRetriesAsync(string datasetId, List<Submission> batch, int rows)
    {
        var body = Body(batch);
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                // A retry is a POST like any other: it waits for its slot and counts against the limits.
                await _limiter.AcquireAsync(rows, _stopping.Token);
            }

            try
            {
                // Slots and retries may have held the batch long after it was taken: past a third of a lease its claims may
                // have been taken over, and posting would land the facts twice.
                ThrowIfStale(batch);
                await _client.AddRowsJsonAsync(datasetId, TableNames.FactEvent, body, _stopping.Token);
                return;
            }
            catch (Exception e) when (attempt < _options.MaxAttempts && RetryDelay(e, attempt) is { } delay)
            {
                var throttled = e is PowerBiException { Status: HttpStatusCode.TooManyRequests };
                lock (_gate)
                {
                    _retries++;
                    _throttled += throttled ? 1 : 0;
                }

                _metrics.Retried();
                if (throttled)
                {
                    _metrics.Throttled();
                }

                _logger.LogWarning("POST of {Rows} FactEvent row(s) failed ({Reason}); attempt {Attempt} of {MaxAttempts} in {Delay}", rows, e.Message, attempt + 1, _options.MaxAttempts, delay);
                await Task.Delay(delay, _clock, _stopping.Token);
            }
        }
    }

    /// <summary>How long to wait before retrying, or null when retrying cannot help (or the wait is too long to hold callers).</summary>
    private TimeSpan? RetryDelay(Exception e, int attempt)
    {
        switch (e)
        {
            case PowerBiException { Status: HttpStatusCode.TooManyRequests } throttled:
                var wait = throttled.RetryAfter ?? TimeSpan.FromSeconds(1);
                return wait <= _options.MaxRetryAfter ? wait : null;
            case PushFailedException { IsTransient: true }:
            case HttpRequestException:
            case TaskCanceledException when !_stopping.IsCancellationRequested:
                var backoff = TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1));
                return backoff * (0.5 + Random.Shared.NextDouble());
            default:
                return null;
        }
    }

    private void Succeeded(List<Submission> batch, int rows)
    {
        var now = _clock.GetUtcNow();
        var latency = now - batch[0].EnqueuedAt;
        lock (_gate)
        {
            _posts++;
            _rows += rows;
            _flushes++;
            _consecutiveFailures = 0;
            _lastLatency = latency;
            _maxLatency = latency > _maxLatency ? latency : _maxLatency;
            _totalLatency += latency;
        }

        _metrics.Posted(rows);

        foreach (var submission in batch)
        {
            submission.Done.TrySetResult();
        }
    }

    /// <summary>The rows landed and their callers are told; a failure to count them only delays the hourly regime.</summary>
    private async Task CountLandedAsync(int rows)
    {
        try
        {
            await _limiter.FactRowsLandedAsync(rows, _stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not count {Rows} landed FactEvent row(s) toward the 250k-row regime", rows);
        }
    }

    public TimeSpan RefusingFor
    {
        get
        {
            lock (_gate)
            {
                var left = _circuitOpenUntil - _clock.GetUtcNow();
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    private void Failed(List<Submission> batch, Exception e)
    {
        lock (_gate)
        {
            _failedBatches++;
            if (++_consecutiveFailures >= _options.BreakerFailures)
            {
                _circuitOpenUntil = _clock.GetUtcNow() + _options.BreakerOpenFor;
                _logger.LogError("Power BI failed {Failures} POSTs in a row: circuit open until {Until}", _consecutiveFailures, _circuitOpenUntil);
            }
        }

        _logger.LogWarning(e, "A batch of {Rows} FactEvent row(s) did not land; its deliveries stay captured for the redrive", batch.Sum(s => s.Rows.Length));
        // A refusal that retrying cannot cure (401, 403, 404: a deleted dataset, revoked access) counts toward the
        // poison queue; outages and timeouts are transient, so the redrive postpones them.
        var failure = e is PowerBiUnavailableException or PowerBiException { IsTransient: false } ? e : new PowerBiUnavailableException("Power BI did not accept the rows: " + e.Message, e);
        foreach (var submission in batch)
        {
            submission.Done.TrySetException(failure);
        }
    }

    private static ReadOnlyMemory<byte> Body(List<Submission> batch)
    {
        using var buffer = new MemoryStream();
        buffer.Write("{\"rows\":["u8);
        var first = true;
        foreach (var row in batch.SelectMany(s => s.Rows))
        {
            if (!first)
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(row);
            first = false;
        }

        buffer.Write("]}"u8);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_flusher is not null)
        {
            await _flusher;
        }

        lock (_gate)
        {
            foreach (var submission in _pending)
            {
                submission.Done.TrySetException(new PowerBiUnavailableException("The writer stopped before these rows were sent."));
            }

            _pending.Clear();
        }
    }
}
