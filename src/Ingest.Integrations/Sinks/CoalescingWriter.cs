using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Ingest.Integrations.Sinks;

/// <summary>
/// Group commit for FactEvent, whatever the sink: rows from concurrent requests go out together, one request per flush
/// (a full batch, or the flush window after its first row), at most <c>maxInFlight</c> requests at once. Each caller
/// awaits the request holding its rows, so the ledger completes only what landed; a full queue refuses at once; rows
/// that waited a third of a ledger lease are failed to the redrive. A sink says how a batch is sent
/// (<see cref="ReserveSendAsync"/>) and what its "unavailable" looks like.
/// </summary>
public abstract class CoalescingWriter : IFactSink, IWriterStats, IAsyncDisposable
{
    private readonly BatchLimits _limits;
    private readonly FactQueue _queue;
    private readonly Lock _startGate = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _flusher;

    protected CoalescingWriter(BatchLimits limits, int maxInFlight, TimeSpan maxWait, SinkCircuit circuit, SinkMetrics metrics, TimeProvider clock, ILogger logger)
    {
        (_limits, Circuit, Metrics, MaxWait, Clock, Logger) = (limits, circuit, metrics, maxWait, clock, logger);
        _inFlight = new SemaphoreSlim(maxInFlight);
        _queue = new FactQueue(limits);
    }

    /// <summary>Past this, a row's ledger claim may have been taken over: it must not be sent.</summary>
    protected TimeSpan MaxWait { get; }
    protected TimeProvider Clock { get; }
    protected ILogger Logger { get; }

    /// <summary>The sink's breaker: a sender reports to it whether its request landed.</summary>
    protected SinkCircuit Circuit { get; }
    protected SinkMetrics Metrics { get; }

    /// <summary>The writer is being disposed.</summary>
    protected CancellationToken Stopping => _stopping.Token;

    public async Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        Circuit.ThrowIfOpen();
        var submissions = FactSubmission.Split(rows, _limits, Clock.GetUtcNow());
        _queue.Add(submissions);
        lock (_startGate)
        {
            _flusher ??= StartFlusher();
        }

        _wake.Release();
        await _queue.AwaitAsync(submissions, cancellationToken);
    }

    public WriterStats Stats() => WriterStats.From(Metrics.Totals(), _queue.QueuedRows, Circuit.IsOpen);

    /// <summary>
    /// Waits for whatever a request needs before its batch is taken (Power BI: the first POST's turn, so the batch holds
    /// every row that came meanwhile) and returns how to send that batch; its callers are told by the sender.
    /// </summary>
    private protected abstract Task<Func<FactSubmission[], Task>> ReserveSendAsync(CancellationToken stopping);

    /// <summary>The sink's transient "not now": the callers' deliveries stay captured for the redrive.</summary>
    protected abstract Exception Unavailable(string message, Exception? inner = null);

    /// <summary>What the waiting callers are told when a batch could not be taken; by default the fault itself.</summary>
    protected virtual Exception BatchNotTaken(Exception fault) => fault;

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
                // A turn could not be taken (Power BI's shared budget store is down), or a batch: tell the waiting
                // callers, whose deliveries stay captured, and keep serving the next ones.
                Logger.LogWarning(e, "Could not take a FactEvent batch; the waiting rows are refused and their deliveries stay captured");
                _queue.FailAll(BatchNotTaken(e));
            }
        }
    }

    private async Task FlushOnceAsync(CancellationToken stopping)
    {
        await _wake.WaitAsync(stopping);
        if (_queue.NextFlushDue() - Clock.GetUtcNow() is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Clock, stopping);
        }

        if (_queue.QueuedRows == 0)
        {
            return;
        }

        await _inFlight.WaitAsync(stopping);
        Func<FactSubmission[], Task> send;
        FactSubmission[] batch;
        try
        {
            send = await ReserveSendAsync(stopping);
            batch = _queue.TakeBatch(Clock.GetUtcNow() - MaxWait, FailStale, out var more);
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

        _ = SendAndReleaseAsync(send, batch);
    }

    private async Task SendAndReleaseAsync(Func<FactSubmission[], Task> send, FactSubmission[] batch)
    {
        try
        {
            await send(batch);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>Fails rows that waited a third of a ledger lease (a long 429 regime, a slow sink): their deliveries stay captured for the redrive.</summary>
    private void FailStale(FactSubmission[] stale)
    {
        foreach (var submission in stale)
        {
            submission.Done.TrySetException(Unavailable(
                $"{submission.Rows.Length} FactEvent row(s) waited longer than {MaxWait} to be sent; their delivery is redriven instead."));
        }

        Logger.LogWarning("{Count} FactEvent submission(s) waited longer than {MaxWait}; failed to the redrive", stale.Length, MaxWait);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_flusher is not null)
        {
            await _flusher;
        }

        _queue.FailAll(Unavailable("The writer stopped before these rows were sent."));
        GC.SuppressFinalize(this);
    }
}
