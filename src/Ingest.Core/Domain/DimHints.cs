namespace Ingest.Core.Domain;

/// <summary>The dimension rows a set of facts refers to, so ensure-dims pushes only what is missing.</summary>
public sealed record DimHints(IReadOnlySet<int> DateKeys, IReadOnlySet<long> AgentIds)
{
    public static DimHints From(IEnumerable<FactEventRow> rows)
    {
        var dates = new HashSet<int>();
        var agents = new HashSet<long>();
        foreach (var row in rows)
        {
            dates.Add(row.DateKey);
            agents.Add(row.AgentID);
        }

        return new DimHints(dates, agents);
    }
}
