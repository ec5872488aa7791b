using System.Text.Json.Nodes;

namespace Ingest.EventhouseEmulator;

/// <summary>A column's name and Kusto type (string, long, int, real, bool, datetime, dynamic ...).</summary>
internal sealed record KustoColumn(string Name, string Type);

/// <summary>One table: its columns in order, its rows, its JSON ingestion mappings, its streaming policy, its counters.</summary>
internal sealed class KustoTable(string name)
{
    public string Name { get; } = name;
    public List<KustoColumn> Columns { get; } = [];
    public List<JsonObject> Rows { get; set; } = [];
    public Dictionary<string, IReadOnlyList<MappingColumn>> Mappings { get; } = new(StringComparer.Ordinal);
    public bool StreamingEnabled { get; set; }
    public long Ingests { get; set; }
    public long Throttled { get; set; }
    public long Rejected { get; set; }

    /// <summary>Adds the columns it lacks; a column already there with another type is the caller's error.</summary>
    public string? Merge(IEnumerable<KustoColumn> columns)
    {
        foreach (var column in columns)
        {
            var existing = Columns.FirstOrDefault(c => c.Name == column.Name);
            if (existing is null)
            {
                Columns.Add(column);
            }
            else if (existing.Type != column.Type)
            {
                return $"Column '{column.Name}' of table '{Name}' is of type {existing.Type}, not {column.Type}.";
            }
        }

        return null;
    }
}

/// <summary>One entry of a JSON ingestion mapping: which column a JSON path fills.</summary>
internal sealed record MappingColumn(string Column, string Path);

/// <summary>A materialized view the emulator can compute: one row of <see cref="Source"/> per value of <see cref="Key"/> (take_any).</summary>
internal sealed record MaterializedView(string Name, string Source, string Key);

/// <summary>A database: tables, views, stored functions (kept, never run), role grants, and the database's streaming policy.</summary>
internal sealed class KustoDatabase
{
    public Dictionary<string, KustoTable> Tables { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, MaterializedView> Views { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Functions { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Grants { get; } = new(StringComparer.Ordinal);
    public bool StreamingEnabled { get; set; }
}
