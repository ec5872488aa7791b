using Ingest.Core.Domain;

namespace Ingest.Core.Pipeline;

/// <summary>Keeps the first row of each EventKey within one batch; the ledger handles repeats across requests.</summary>
public static class BatchDeduplicator
{
    public static (IReadOnlyList<FactEventRow> Unique, int Duplicates) Deduplicate(IReadOnlyList<FactEventRow> rows)
    {
        if (rows.Count < 2)
        {
            return (rows, 0);
        }

        var seen = new HashSet<string>(rows.Count, StringComparer.Ordinal);
        var unique = new List<FactEventRow>(rows.Count);
        foreach (var row in rows)
        {
            if (seen.Add(row.EventKey))
            {
                unique.Add(row);
            }
        }

        return (unique, rows.Count - unique.Count);
    }
}
