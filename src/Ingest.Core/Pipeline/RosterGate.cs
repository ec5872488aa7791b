using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Ingest.Core.Pipeline;

/// <summary>
/// Lets through the facts of agents on the roster; quarantines the rest so a roster change can replay them.
/// An empty roster gates everything (nothing is lost: it is all quarantined) and is warned about once.
/// </summary>
public sealed class RosterGate(IRosterStore roster, IQuarantineStore quarantine, ILogger<RosterGate> logger)
{
    private int _warnedEmpty;

    public async Task<(IReadOnlyList<FactEventRow> Allowed, IReadOnlyList<FactEventRow> Gated)> ApplyAsync(
        IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        var agents = await roster.GetAsync(cancellationToken);
        if (agents.IsEmpty && Interlocked.Exchange(ref _warnedEmpty, 1) == 0)
        {
            logger.LogWarning("The roster is empty: every fact is gated into quarantine until DimAgent is synced");
        }

        var allowed = new List<FactEventRow>(rows.Count);
        List<FactEventRow>? gated = null;
        foreach (var row in rows)
        {
            if (agents.IsActive(row.AgentID))
            {
                allowed.Add(row);
            }
            else
            {
                (gated ??= []).Add(row);
            }
        }

        if (gated is not null)
        {
            await quarantine.AddAsync(gated, cancellationToken);
            logger.LogInformation("Gated {Gated} fact(s) of agent(s) not on the roster: {AgentIds}", gated.Count, gated.Select(r => r.AgentID).Distinct());
        }

        return (allowed, gated ?? []);
    }
}
