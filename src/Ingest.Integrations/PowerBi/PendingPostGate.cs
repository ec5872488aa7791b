using Ingest.Core.Storage;
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
    /// <summary>Longer than a POST may take (the client's timeout), so a live holder never loses its slot.</summary>
    public static readonly TimeSpan SlotLease = PowerBiRestClient.RequestTimeout + TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly SemaphoreSlim _local = new(options.Value.Writer.MaxPendingPosts);

    private string Pool => $"{options.Value.WorkspaceId}/{options.Value.DatasetName}#pending-posts";

    /// <summary>Waits for a slot; dispose the result when the request has its answer.</summary>
    public async Task<IAsyncDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _local.WaitAsync(cancellationToken);
        try
        {
            var shared = options.Value.Writer.SharedBudget ? await TakeSharedAsync(cancellationToken) : null;
            return new Slot(this, shared);
        }
        catch
        {
            _local.Release();
            throw;
        }
    }

    private async Task<string> TakeSharedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await budget.TryTakeSlotAsync(Pool, options.Value.Writer.MaxPendingPosts, SlotLease, clock.GetUtcNow(), cancellationToken) is { } token)
            {
                return token;
            }

            await Task.Delay(PollInterval, clock, cancellationToken);
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
        catch (StoreUnavailableException e)
        {
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
