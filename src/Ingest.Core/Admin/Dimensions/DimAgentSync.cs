using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>
/// The roster: the posted members, or the ring group's members fetched from Aloware. It replaces the roster
/// that gates ingest (agents who left stay as inactive rows, so their past facts keep a name), repopulates
/// DimAgent, then replays the quarantined facts of every active agent and reports how many counted.
/// </summary>
public sealed class DimAgentSync(IRosterStore roster, IQuarantineStore quarantine, IAgentDirectory directory, IngestPipeline pipeline, TableRefresh refresh, AdminRun run, TimeProvider clock)
{
    public Task<AdminSummary> SyncAsync(DimAgentSyncRequest request, string actor, byte[] payload, CancellationToken cancellationToken)
        => run.ExecuteAsync(TableNames.DimAgent, actor, payload, async () =>
        {
            var members = request.Members ?? await directory.FetchMembersAsync(cancellationToken);
            var agents = Merge((await roster.GetAsync(cancellationToken)).Agents, members, request.Members is null ? directory.RingGroupId : null);
            await roster.ReplaceAsync(agents, cancellationToken);

            var (deleted, added, duration) = await refresh.RunAsync(TableNames.DimAgent, _ => Task.FromResult(agents), cancellationToken);
            var replayed = await ReplayQuarantineAsync(agents, cancellationToken);
            return new AdminSummary(TableNames.DimAgent, deleted, added, null, (long)duration.TotalMilliseconds) { ReplayedFacts = replayed };
        }, cancellationToken);

    private IReadOnlyList<DimAgent> Merge(IReadOnlyList<DimAgent> previous, IReadOnlyList<AgentMember> members, long? ringGroupId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var current = members.Select(m => new DimAgent
        {
            AgentID = m.Id, Name = m.Name!.Trim(), Email = m.Email?.Trim(), RingGroupID = ringGroupId, IsActive = true, SyncedAtUtc = now,
        }).ToList();
        var ids = current.Select(a => a.AgentID).ToHashSet();
        current.AddRange(previous.Where(a => !ids.Contains(a.AgentID)).Select(a => a with { IsActive = false }));
        return current.OrderBy(a => a.AgentID).ToArray();
    }

    /// <summary>Facts counted per chunk of a replay: well inside the writer's queue, so a large quarantine is never refused whole.</summary>
    public const int ReplayChunk = 500;

    /// <summary>
    /// Facts quarantined because their agent was not on the roster, counted in chunks and removed only after their
    /// chunk settled; a fault or a crash leaves the rest (and any unsettled chunk) for the next run.
    /// </summary>
    private async Task<int> ReplayQuarantineAsync(IReadOnlyList<DimAgent> agents, CancellationToken cancellationToken)
    {
        var quarantined = await quarantine.ReadAsync(agents.Where(a => a.IsActive).Select(a => a.AgentID).ToHashSet(), cancellationToken);
        var counted = 0;
        foreach (var chunk in quarantined.Chunk(ReplayChunk))
        {
            var outcome = await pipeline.ProcessRowsAsync(chunk, cancellationToken);
            counted += outcome.Facts;
            // Gated again (the roster changed meanwhile) or held by another worker: not settled here, so kept.
            if (outcome.Gated == 0 && outcome.HeldElsewhere == 0)
            {
                await quarantine.RemoveAsync(chunk, cancellationToken);
            }
        }

        return counted;
    }
}
