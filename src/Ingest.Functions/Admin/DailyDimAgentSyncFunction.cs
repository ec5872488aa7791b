using Ingest.Core.Admin.Dimensions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Admin;

/// <summary>The daily DimAgent sync from Aloware, on the schedule in <c>Aloware__DimAgentSyncSchedule</c>.</summary>
public sealed class DailyDimAgentSyncFunction(DimAgentSync agents, ILogger<DailyDimAgentSyncFunction> logger)
{
    public const string Actor = "timer:daily-dimagent-sync";

    [Function("DailyDimAgentSync")]
    public async Task Run([TimerTrigger("%Aloware:DimAgentSyncSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        try
        {
            var summary = await agents.SyncAsync(new DimAgentSyncRequest(null), Actor, "{}"u8.ToArray(), cancellationToken);
            logger.LogInformation("Daily DimAgent sync: {Added} agent row(s), {Replayed} quarantined fact(s) counted", summary.RowsAdded, summary.ReplayedFacts);
        }
        catch (AgentDirectoryUnavailableException skipped) when (skipped.NotConfigured)
        {
            logger.LogInformation("Daily DimAgent sync skipped: {Reason}", skipped.Message);
        }
        catch (AdminConflictException conflict)
        {
            logger.LogWarning("Daily DimAgent sync skipped: {Reason}", conflict.Message);
        }
    }
}
