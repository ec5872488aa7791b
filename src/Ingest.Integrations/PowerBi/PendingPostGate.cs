using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Power BI allows <see cref="PowerBiWriterOptions.MaxPendingPosts"/> pending POST rows requests per dataset, not per
/// instance. Every POST rows request of this instance takes a local slot and, with
/// <see cref="PowerBiWriterOptions.SharedBudget"/>, one of a pool every instance shares, so all instances together
/// stay within the limit. A shared slot whose holder died frees itself after <see cref="SlotLease"/>.
/// </summary>
public sealed class PendingPostGate(IOptions<PowerBiOptions> options, IPushBudget budget, TimeProvider clock, ILogger<PendingPostGate> logger)
{
    /// <summary>Longer than a POST may take (the request timeout), so a live holder never loses its slot.</summary>
    public static readonly TimeSpan SlotLease = PowerBiRestClient.RequestTimeout + TimeSpan.FromSeconds(30);

    /// <summary>The longest a request waits for a slot; then it fails as surely not sent, and its caller retries or redrives.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(800);
    private readonly SemaphoreSlim _local = new(options.Value.Writer.MaxPendingPosts);

    private string Pool => $"{options.Value.WorkspaceId}/{options.Value.DatasetName}#pending-posts";

    /// <summary>Waits for a slot, at most <see cref="MaxWait"/>; dispose the result when the request has its answer.</summary>
    /// <exception cref="PostSlotTimeoutException">No slot came free in time: nothing was sent.</exception>
    public async Task<IAsyncDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        var giveUpAt = clock.GetUtcNow() + MaxWait;
        using (var waited = new CancellationTokenSource(MaxWait, clock))
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(waited.Token, cancellationToken))
        {
            try
            {
                await _local.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (waited.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new PostSlotTimeoutException(MaxWait);
            }
        }

        try
        {
            var shared = options.Value.Writer.SharedBudget ? await TakeSharedAsync(giveUpAt, cancellationToken) : null;
            return new Slot(this, shared);
        }
        catch
        {
            _local.Release();
            throw;
        }
    }

    /// <summary>Polls the shared pool with a growing, jittered pause, so many waiters do not hammer one partition.</summary>
    private async Task<string> TakeSharedAsync(DateTimeOffset giveUpAt, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        while (true)
        {
            if (await budget.TryTakeSlotAsync(Pool, options.Value.Writer.MaxPendingPosts, SlotLease, clock.GetUtcNow(), cancellationToken) is { } token)
            {
                return token;
            }

            if (clock.GetUtcNow() + pause > giveUpAt)
            {
                throw new PostSlotTimeoutException(MaxWait);
            }

            await Task.Delay(pause * (0.5 + Random.Shared.NextDouble()), clock, cancellationToken);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    private async ValueTask ExitAsync(string? shared)
    {
        try
        {
            if (shared is not null)
            {
                await budget.ReleaseSlotAsync(Pool, shared, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            // Never in place of the request's own answer: the slot frees itself when its lease lapses.
            logger.LogWarning(e, "Could not give back a shared POST slot; it frees itself within {Lease}", SlotLease);
        }
        finally
        {
            _local.Release();
        }
    }

    private sealed class Slot(PendingPostGate gate, string? shared) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => gate.ExitAsync(shared);
    }
}
