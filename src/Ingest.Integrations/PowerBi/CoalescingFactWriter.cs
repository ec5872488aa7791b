using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Group commit for FactEvent: rows from concurrent requests go out together, one POST per flush (when a batch is
/// full, or a short window after its first row), at most <see cref="PowerBiWriterOptions.MaxPendingPosts"/> batches
/// in flight. Each caller awaits the batch holding its rows, so the ledger completes only what landed; a full
/// queue refuses at once rather than growing without bound. Sending a batch, and isolating a caller whose rows
/// Power BI refuses, is <see cref="FactBatchPoster"/>'s; retries, the push limits and the breaker are <see cref="PushPolicy"/>'s.
/// </summary>
public sealed class CoalescingFactWriter : IFactSink, IWriterStats, IAsyncDisposable
{
    private readonly PowerBiWriterOptions _options;
    private readonly PowerBiCircuit _circuit;
    private readonly FactBatchPoster _poster;
    private readonly PushPolicy _push;
    private readonly TimeProvider _clock;
    private readonly ILogger<CoalescingFactWriter> _logger;
    private readonly PowerBiMetrics _metrics;
    private readonly FactQueue _queue;
    private readonly BatchLimits _limits;
    private readonly Lock _startGate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeSpan _maxWait;
    private Task? _flusher;

    public CoalescingFactWriter(
        PowerBiRestClient client, DatasetBootstrap dataset, PushLimiter limiter, PushPolicy push, PowerBiCircuit circuit, IOptions<PowerBiOptions> options, TimeProvider clock,
        PowerBiMetrics metrics, ILogger<CoalescingFactWriter> logger, IOptions<LedgerOptions>? ledger = null)
    {
        (_options, _circuit, _push, _clock, _metrics, _logger) = (options.Value.Writer, circuit, push, clock, metrics, logger);
        _inFlight = new SemaphoreSlim(_options.MaxPendingPosts);
        _limits = new BatchLimits(_options.MaxQueuedRows, _options.MaxRowsPerPost, _options.MaxBytesPerPost, _options.FlushWindow);
        _queue = new FactQueue(_limits);
        _maxWait = PowerBiRestClient.FactRowsMaxWait(ledger);
        _poster = new FactBatchPoster(client, dataset, limiter, metrics, clock, logger, _maxWait);
    }

    public async Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        _circuit.ThrowIfOpen();

        var submissions = FactSubmission.Split(rows, _limits, _clock.GetUtcNow());
        _queue.Add(submissions);
        lock (_startGate)
        {
            _flusher ??= StartFlusher();
        }

        _wake.Release();
        await _queue.AwaitAsync(submissions, cancellationToken);
    }

    public WriterStats Stats() => WriterStats.From(_metrics.Totals(), _queue.QueuedRows, _circuit.IsOpen);

    /// <summary>The loop serves every request, so it must not carry the log scope of the one that happened to start it.</summary>
    private Task StartFlusher()
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(FlushLoopAsync);
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
                return; // disposed: the rows still pending are failed there
            }
            catch (Exception e)
            {
                // A POST slot could not be taken (the shared budget's store is down): tell the waiting callers, whose
                // deliveries stay captured, and keep serving the next ones.
                _logger.LogWarning(e, "Could not take a POST slot for FactEvent; the waiting rows are refused and their deliveries stay captured");
                _queue.FailAll(e);
            }
        }
    }

    private async Task FlushOnceAsync(CancellationToken stopping)
    {
        await _wake.WaitAsync(stopping);
        await WaitForBatchAsync(stopping);
        if (_queue.QueuedRows == 0)
        {
            return;
        }

        // Wait for an in-flight slot and the first POST's turn before taking the batch, so it holds every row that
        // came meanwhile; retries and isolating a bad caller take turns of their own.
        await _inFlight.WaitAsync(stopping);
        FactSubmission[] batch;
        PushTurn turn;
        try
        {
            turn = await _push.TakeTurnAsync(stopping);
            batch = TakeBatch();
        }
        catch
        {
            _inFlight.Release();
            throw;
        }

        if (batch.Length == 0)
        {
            _inFlight.Release();
            return;
        }

        _ = SendAndReleaseAsync(batch, turn);
    }

    private async Task SendAndReleaseAsync(FactSubmission[] batch, PushTurn turn)
    {
        try
        {
            await _poster.SendAsync(batch, turn, _stopping.Token);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>Waits out the flush window after the oldest pending row, unless a full batch is ready sooner.</summary>
    private async Task WaitForBatchAsync(CancellationToken stopping)
    {
        var wait = _queue.NextFlushDue() - _clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait.Value, _clock, stopping);
        }
    }

    private FactSubmission[] TakeBatch()
    {
        var batch = _queue.TakeBatch(_clock.GetUtcNow() - _maxWait, FailStale, out var more);
        if (more)
        {
            _wake.Release();
        }

        return batch;
    }

    /// <summary>Fails rows that waited a third of a ledger lease (a long 429 regime): their deliveries stay captured for the redrive.</summary>
    private void FailStale(FactSubmission[] stale)
    {
        foreach (var submission in stale)
        {
            submission.Done.TrySetException(new PowerBiUnavailableException(
                $"{submission.Rows.Length} FactEvent row(s) waited longer than {_maxWait} for a POST slot; their delivery is redriven instead."));
        }

        _logger.LogWarning("{Count} FactEvent submission(s) waited longer than {MaxWait}; failed to the redrive", stale.Length, _maxWait);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_flusher is not null)
        {
            await _flusher;
        }

        _queue.FailAll(new PowerBiUnavailableException("The writer stopped before these rows were sent."));
    }
}
