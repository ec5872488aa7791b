namespace Ingest.Core.Domain;

/// <summary>An immutable snapshot of the roster with a fast lookup of active agents.</summary>
public sealed class Roster
{
    private readonly HashSet<long> _active;

    public Roster(IEnumerable<DimAgent> agents)
    {
        Agents = agents.ToArray();
        _active = Agents.Where(a => a.IsActive).Select(a => a.AgentID).ToHashSet();
    }

    public static Roster Empty { get; } = new([]);

    public IReadOnlyList<DimAgent> Agents { get; }

    public bool IsEmpty => Agents.Count == 0;

    public bool IsActive(long agentId) => _active.Contains(agentId);
}
