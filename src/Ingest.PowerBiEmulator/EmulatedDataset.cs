using System.Text.Json;

namespace Ingest.PowerBiEmulator;

internal sealed record ColumnDef(string Name, string DataType);

internal sealed class EmulatedTable(string name, IReadOnlyList<ColumnDef> columns, JsonElement schema)
{
    public string Name { get; } = name;
    public IReadOnlyList<ColumnDef> Columns { get; set; } = columns;
    public JsonElement Schema { get; set; } = schema;
    public LinkedList<JsonElement> Rows { get; } = new();
    public long Posts { get; set; }
    public long Throttled { get; set; }
    public long Rejected { get; set; }

    public ColumnDef? Column(string name)
    {
        foreach (var column in Columns)
        {
            if (string.Equals(column.Name, name, StringComparison.Ordinal))
            {
                return column;
            }
        }

        return null;
    }
}

internal sealed class EmulatedDataset(string id, string groupId, string name, string retentionPolicy)
{
    public string Id { get; } = id;
    public string GroupId { get; } = groupId;
    public string Name { get; } = name;
    public string RetentionPolicy { get; } = retentionPolicy;
    public Dictionary<string, EmulatedTable> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);
    public JsonElement Relationships { get; set; }

    /// <summary>Times of accepted POST rows requests in the last minute and the last hour, oldest first.</summary>
    public Queue<DateTimeOffset> PostsLastMinute { get; } = new();
    public Queue<DateTimeOffset> PostsLastHour { get; } = new();

    /// <summary>Rows accepted in the last hour, oldest first, and their running sum.</summary>
    public Queue<(DateTimeOffset At, int Rows)> RowsAdded { get; } = new();
    public long RowsInLastHour { get; set; }

    public int Pending { get; set; }

    public void Forget(DateTimeOffset now)
    {
        Drop(PostsLastMinute, now - TimeSpan.FromMinutes(1));
        Drop(PostsLastHour, now - TimeSpan.FromHours(1));
        while (RowsAdded.TryPeek(out var added) && added.At <= now - TimeSpan.FromHours(1))
        {
            RowsInLastHour -= RowsAdded.Dequeue().Rows;
        }
    }

    public void RecordPost(DateTimeOffset now, int rows)
    {
        PostsLastMinute.Enqueue(now);
        PostsLastHour.Enqueue(now);
        RowsAdded.Enqueue((now, rows));
        RowsInLastHour += rows;
    }

    private static void Drop(Queue<DateTimeOffset> times, DateTimeOffset cutoff)
    {
        while (times.TryPeek(out var at) && at <= cutoff)
        {
            times.Dequeue();
        }
    }
}
