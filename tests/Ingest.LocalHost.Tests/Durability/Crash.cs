using Ingest.Core.Capture;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>The four points of the pipeline (docs/architecture.md, "The pipeline") where a worker may die with work half done.</summary>
public enum CrashPoint
{
    AfterCapture,
    AfterClaim,
    AfterPost,
    AfterComplete,

    /// <summary>The ledger completed one fact; the rest of the batch is left claimed (a recovery run has no capture to die at).</summary>
    AfterLedgerComplete,
}

/// <summary>
/// A worker that dies at one point: the step before it has happened, nothing after it ever runs (no release,
/// no answer). Modelled as a call that never returns until the test ends, so no catch or finally of the
/// product can tidy up, exactly as with a killed process.
/// </summary>
public sealed class Crash(CrashPoint point)
{
    private readonly TaskCompletionSource _death = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _deathsAfterPosting = new();
    private int _count;

    public CrashPoint Point => point;

    /// <summary>How many requests died at the point.</summary>
    public int Count => Volatile.Read(ref _count);

    public Task DieIf(CrashPoint at)
    {
        if (at != point)
        {
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _count);
        return _death.Task;
    }

    /// <summary>
    /// How many times a worker died right after posting this fact. Each such death may leave one extra copy: a slow
    /// burst can outlast the dead worker's lease, so a later delivery of the same call takes the fact over and dies too.
    /// </summary>
    public int DeathsAfterPosting(string eventKey) => _deathsAfterPosting.GetValueOrDefault(eventKey);

    private Task DieAfterPosting(IReadOnlyList<FactEventRow> rows)
    {
        if (point == CrashPoint.AfterPost)
        {
            foreach (var row in rows)
            {
                _deathsAfterPosting.AddOrUpdate(row.EventKey, 1, (_, n) => n + 1);
            }
        }

        return DieIf(CrashPoint.AfterPost);
    }

    /// <summary>After the test has looked: lets the hung calls unwind, so the dead host can be disposed.</summary>
    public void Bury() => _death.TrySetException(new OperationCanceledException("the simulated worker was buried"));

    /// <summary>Wraps the three seams whose calls mark the points, and removes the redrive (a dead worker runs none).</summary>
    public void Install(IServiceCollection services)
    {
        Decorate<ICaptureQueue>(services, inner => new CrashingCaptureQueue(inner, this));
        Decorate<ILedger>(services, inner => new CrashingLedger(inner, this));
        Decorate<IFactSink>(services, inner => new CrashingSink(inner, this));
        foreach (var redrive in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(RedriveService)).ToArray())
        {
            services.Remove(redrive);
        }
    }

    /// <summary>Replaces the last registration of <typeparamref name="T"/> with a wrapper around it.</summary>
    public static void Decorate<T>(IServiceCollection services, Func<T, T> wrap)
        where T : class
    {
        var registered = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(registered);
        services.AddSingleton(sp => wrap((T)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
    }

    private sealed class CrashingCaptureQueue(ICaptureQueue inner, Crash crash) : ICaptureQueue
    {
        public async Task<CapturedDelivery> CaptureAsync(IngestEnvelope envelope, CancellationToken cancellationToken)
        {
            var captured = await inner.CaptureAsync(envelope, cancellationToken);
            await crash.DieIf(CrashPoint.AfterCapture);
            return captured;
        }

        /// <summary>The webhook deletes the capture right after the ledger completes: dying here is dying after complete.</summary>
        public async Task DeleteAsync(CapturedDelivery delivery, CancellationToken cancellationToken)
        {
            await crash.DieIf(CrashPoint.AfterComplete);
            await inner.DeleteAsync(delivery, cancellationToken);
        }

        public Task<IReadOnlyList<CapturedDelivery>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken) => inner.ReceiveAsync(maxMessages, cancellationToken);

        public Task PostponeAsync(CapturedDelivery delivery, TimeSpan delay, CancellationToken cancellationToken) => inner.PostponeAsync(delivery, delay, cancellationToken);

        public Task MoveToPoisonAsync(CapturedDelivery delivery, CancellationToken cancellationToken) => inner.MoveToPoisonAsync(delivery, cancellationToken);

        public Task<IReadOnlyList<IngestEnvelope>> ReplayPoisonAsync(string? requestId, bool dryRun, CancellationToken cancellationToken)
            => inner.ReplayPoisonAsync(requestId, dryRun, cancellationToken);
    }

    private sealed class CrashingLedger(ILedger inner, Crash crash) : ILedger
    {
        public async Task<LedgerClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
        {
            var claim = await inner.ClaimAsync(key, fingerprint, cancellationToken);
            // The points are a fact's steps: the dataset's creation lease (held for a moment at start) is not one.
            if (claim.Status == ClaimStatus.Acquired && !key.StartsWith(Integrations.PowerBi.DatasetBootstrap.CreationLeasePrefix, StringComparison.Ordinal))
            {
                await crash.DieIf(CrashPoint.AfterClaim);
            }

            return claim;
        }

        public async Task<bool> CompleteAsync(string key, string ownerToken, CancellationToken cancellationToken)
        {
            var completed = await inner.CompleteAsync(key, ownerToken, cancellationToken);
            await crash.DieIf(CrashPoint.AfterLedgerComplete);
            return completed;
        }

        public Task<bool> ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken) => inner.ReleaseAsync(key, ownerToken, cancellationToken);

        public Task<ClaimStatus?> PeekAsync(string key, CancellationToken cancellationToken) => inner.PeekAsync(key, cancellationToken);
    }

    private sealed class CrashingSink(IFactSink inner, Crash crash) : IFactSink
    {
        public async Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
        {
            await inner.PostAsync(rows, cancellationToken);
            await crash.DieAfterPosting(rows);
        }
    }
}
