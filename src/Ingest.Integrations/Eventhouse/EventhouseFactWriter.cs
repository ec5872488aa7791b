using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Eventhouse;

/// <summary>
/// Group commit for FactEvent into the Eventhouse: rows from concurrent requests go out together, one streaming
/// ingestion per flush (a full batch, or the flush window after its first row), at most
/// <see cref="EventhouseWriterOptions.MaxConcurrentRequests"/> in flight, no pacing beyond that. Each caller awaits
/// the request holding its rows, so the ledger completes only what landed. A row the crash window repeats is
/// ingested twice and counted once by <c>FactEventUnique</c>.
/// </summary>
public sealed class EventhouseFactWriter : IFactSink, IWriterStats, IAsyncDisposable
{
    private readonly EventhouseClient _client;
    private readonly EventhouseCircuit _circuit;
    private readonly EventhouseMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<EventhouseFactWriter> _logger;
    private readonly FactQueue _queue;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startGate = new();
    private readonly TimeSpan _maxWait;
    private readonly BatchLimits _limits;
    private Task? _flusher;

    public EventhouseFactWriter(
        EventhouseClient client, EventhouseCircuit circuit, EventhouseMetrics metrics, IOptions<EventhouseOptions> options, TimeProvider clock,
        ILogger<EventhouseFactWriter> logger, IOptions<LedgerOptions>? ledger = null)
    {
        (_client, _circuit, _metrics, _clock, _logger) = (client, circuit, metrics, clock, logger);
        var writer = options.Value.Writer;
        _inFlight = new SemaphoreSlim(writer.MaxConcurrentRequests);
        _limits = new BatchLimits(writer.MaxQueuedRows, writer.MaxRowsPerRequest, writer.MaxBytesPerRequest, writer.FlushWindow);
        _queue = new FactQueue(_limits);
        // As for Power BI: rows are sent only while their ledger claims are surely still held.
        _maxWait = (ledger?.Value ?? new LedgerOptions()).LeaseDuration / 3;
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
                // Whatever went wrong, the loop serves the next callers; the waiting ones are told, their deliveries stay captured.
                _logger.LogWarning(e, "The Eventhouse writer could not take a batch; the waiting rows are refused and their deliveries stay captured");
                _queue.FailAll(new EventhouseUnavailableException("The writer could not take a batch: " + e.Message, e));
            }
        }
    }

    private async Task FlushOnceAsync(CancellationToken stopping)
    {
        await _wake.WaitAsync(stopping);
        if (_queue.NextFlushDue() - _clock.GetUtcNow() is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _clock, stopping);
        }

        await _inFlight.WaitAsync(stopping);
        FactSubmission[] batch;
        try
        {
            batch = _queue.TakeBatch(_clock.GetUtcNow() - _maxWait, FailStale, out var more);
            if (more)
            {
                _wake.Release();
            }
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

        _ = SendAndReleaseAsync(batch);
    }

    private async Task SendAndReleaseAsync(FactSubmission[] batch)
    {
        var rows = batch.Sum(s => s.Rows.Length);
        var oldest = batch.Min(s => s.EnqueuedAt);
        var started = _clock.GetUtcNow();
        try
        {
            await _client.IngestAsync(TableNames.FactEvent, Body(batch), _stopping.Token, sendBy: oldest + _maxWait);
            _circuit.Landed();
            _metrics.Posted(rows, _clock.GetUtcNow() - oldest);
            Complete(batch, null);
        }
        catch (EventhouseException refused) when (!refused.IsTransient)
        {
            // The service answered: no outage, but retrying cannot help until someone fixes the cause (a missing
            // table or mapping, a disabled policy, revoked access). The deliveries stay captured and end in the poison queue.
            _circuit.Landed();
            _metrics.BatchFailed();
            _logger.LogError("The Eventhouse refused {Rows} FactEvent row(s) for good: {Status} {Code}", rows, (int)refused.Status, refused.Code);
            Complete(batch, refused);
        }
        catch (Exception e)
        {
            if (!_stopping.IsCancellationRequested && e is not EventhouseUnavailableException)
            {
                _circuit.Failed(started); // not for rows that waited past their send-by: that is no fault of the Eventhouse
            }

            _metrics.BatchFailed();
            _logger.LogWarning(e, "A batch of {Rows} FactEvent row(s) did not reach the Eventhouse; its deliveries stay captured for the redrive", rows);
            Complete(batch, e is EventhouseException { IsTransient: false } ? e : new EventhouseUnavailableException("The Eventhouse did not accept the rows: " + e.Message, e));
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private static void Complete(FactSubmission[] batch, Exception? failure)
    {
        foreach (var submission in batch)
        {
            if (failure is null)
            {
                submission.Done.TrySetResult();
            }
            else
            {
                submission.Done.TrySetException(failure);
            }
        }
    }

    private void FailStale(FactSubmission[] stale)
    {
        Complete(stale, new EventhouseUnavailableException($"FactEvent rows waited longer than {_maxWait} to be sent; their delivery is redriven instead."));
        _logger.LogWarning("{Count} FactEvent submission(s) waited longer than {MaxWait}; failed to the redrive", stale.Length, _maxWait);
    }

    /// <summary>MultiJSON: one JSON object a line.</summary>
    private static ReadOnlyMemory<byte> Body(FactSubmission[] batch)
    {
        using var buffer = new MemoryStream();
        foreach (var row in batch.SelectMany(s => s.Rows))
        {
            buffer.Write(row);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_flusher is not null)
        {
            await _flusher;
        }

        _queue.FailAll(new EventhouseUnavailableException("The writer stopped before these rows were sent."));
    }
}
