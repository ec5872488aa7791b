namespace Ingest.Integrations.Sinks;

/// <summary>How a coalescing writer batches: its queue's bound, a batch's rows and bytes, and how long a first row waits for company.</summary>
public sealed record BatchLimits(int MaxQueuedRows, int MaxRowsPerBatch, int MaxBytesPerBatch, TimeSpan FlushWindow);

/// <summary>The FactEvent rows waiting for a batch, in arrival order, bounded by <see cref="BatchLimits.MaxQueuedRows"/>; shared by both sinks' writers.</summary>
internal sealed class FactQueue(BatchLimits options)
{
    private readonly Lock _gate = new();
    private readonly List<FactSubmission> _pending = [];
    private int _queuedRows;

    public int QueuedRows
    {
        get
        {
            lock (_gate)
            {
                return _queuedRows;
            }
        }
    }

    /// <exception cref="WriterSaturatedException">The queue cannot take these rows: the caller should defer its delivery, not wait.</exception>
    public void Add(FactSubmission[] submissions)
    {
        var rows = submissions.Sum(s => s.Rows.Length);
        lock (_gate)
        {
            if (_queuedRows + rows > options.MaxQueuedRows)
            {
                throw new WriterSaturatedException(_queuedRows);
            }

            _pending.AddRange(submissions);
            _queuedRows += rows;
        }
    }

    /// <summary>
    /// Waits until the batches holding <paramref name="submissions"/> landed (or throws what they met). A caller who
    /// leaves is told so only when none of its rows was sent: rows that landed meanwhile, or are in a request already,
    /// must not have their claims released on a guess.
    /// </summary>
    public async Task AwaitAsync(FactSubmission[] submissions, CancellationToken cancellationToken)
    {
        var done = Task.WhenAll(submissions.Select(s => s.Done.Task));
        try
        {
            await done.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (!done.IsCompleted && Withdraw(submissions))
            {
                throw;
            }

            await done;
        }
    }

    /// <summary>Takes a cancelled caller's rows back, but only when none of them has been sent yet.</summary>
    private bool Withdraw(FactSubmission[] submissions)
    {
        lock (_gate)
        {
            if (!submissions.All(_pending.Contains))
            {
                return false;
            }

            foreach (var submission in submissions)
            {
                Remove(submission);
                submission.Done.TrySetCanceled();
            }

            return true;
        }
    }

    /// <summary>When the next batch should go: now when one is full, the flush window after the oldest row otherwise; null when empty.</summary>
    public DateTimeOffset? NextFlushDue()
    {
        lock (_gate)
        {
            return _pending.Count == 0 ? null
                : _queuedRows >= options.MaxRowsPerBatch ? DateTimeOffset.MinValue
                : _pending[0].EnqueuedAt + options.FlushWindow;
        }
    }

    /// <summary>The oldest rows that fit one request; rows that arrived before <paramref name="staleBefore"/> are handed to <paramref name="stale"/> instead.</summary>
    public FactSubmission[] TakeBatch(DateTimeOffset staleBefore, Action<FactSubmission[]> stale, out bool more)
    {
        FactSubmission[] expired;
        FactSubmission[] batch;
        lock (_gate)
        {
            expired = _pending.Where(s => s.EnqueuedAt < staleBefore).ToArray();
            foreach (var submission in expired)
            {
                Remove(submission);
            }

            int count = 0, rows = 0, bytes = 0;
            foreach (var submission in _pending)
            {
                if (count > 0 && (rows + submission.Rows.Length > options.MaxRowsPerBatch || bytes + submission.Bytes > options.MaxBytesPerBatch))
                {
                    break;
                }

                (count, rows, bytes) = (count + 1, rows + submission.Rows.Length, bytes + submission.Bytes);
            }

            batch = _pending[..count].ToArray();
            _pending.RemoveRange(0, count);
            _queuedRows -= rows;
            more = _pending.Count > 0;
        }

        if (expired.Length > 0)
        {
            stale(expired);
        }

        return batch;
    }

    /// <summary>Fails every row still waiting (the writer is stopping, or no POST slot could be taken).</summary>
    public void FailAll(Exception reason)
    {
        lock (_gate)
        {
            foreach (var submission in _pending)
            {
                submission.Done.TrySetException(reason);
            }

            _pending.Clear();
            _queuedRows = 0;
        }
    }

    private void Remove(FactSubmission submission)
    {
        _pending.Remove(submission);
        _queuedRows -= submission.Rows.Length;
    }
}
