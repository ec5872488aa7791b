namespace Ingest.Integrations.PowerBi;

/// <summary>A shared budget per dataset and window, so several instances together stay within a push limit.</summary>
public interface IPushBudget
{
    /// <summary>Takes <paramref name="amount"/> from the window's budget of <paramref name="limit"/>; false when it would exceed it.</summary>
    Task<bool> TryTakeAsync(string budget, DateTimeOffset windowStart, TimeSpan window, long limit, long amount, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="amount"/> (0 to read) to a running total that outlives the process; returns the new total.</summary>
    Task<long> CountAsync(string counter, long amount, CancellationToken cancellationToken);

    /// <summary>Sets a running total back to zero (the table it counts was cleared).</summary>
    Task ResetCountAsync(string counter, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one of <paramref name="slots"/> slots of a pool shared by every instance (requests in flight), held until
    /// released or until <paramref name="lease"/> from <paramref name="now"/> lapses (its holder died).
    /// </summary>
    /// <returns>The slot's token, to release it; null while every slot is held.</returns>
    Task<string?> TryTakeSlotAsync(string pool, int slots, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives a slot back; nothing happens when its lease lapsed and another holder took it.</summary>
    Task ReleaseSlotAsync(string pool, string slotToken, CancellationToken cancellationToken);
}
