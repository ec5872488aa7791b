namespace Ingest.PowerBiEmulator;

/// <summary>The push API's limits per dataset (docs/contracts.md, "Power BI push API"). Tests may lower them.</summary>
public sealed record EmulatorLimits
{
    public int MaxRowsPerPost { get; init; } = 10_000;
    public int MaxPendingPosts { get; init; } = 5;
    public int MaxPostsPerMinute { get; init; } = 120;
    public long MaxRowsPerHour { get; init; } = 1_000_000;
    public long LargeTableRows { get; init; } = 250_000;
    public int MaxPostsPerHourWhenLarge { get; init; } = 120;
    public long FifoMaxRows { get; init; } = 200_000;
    public long NoneMaxRows { get; init; } = 5_000_000;
    public int MaxStringLength { get; init; } = 4_000;
    public int MaxTables { get; init; } = 75;
    public int MaxColumns { get; init; } = 75;
    public int MaxRelationships { get; init; } = 75;
    public long MaxRequestBytes { get; init; } = 16 * 1024 * 1024;

    public static EmulatorLimits PowerBi { get; } = new();

    /// <summary>Power BI's 429 for a POST of <paramref name="rows"/> rows now, or null when it is within every limit.</summary>
    internal EmulatorResponse? Throttle(EmulatedDataset dataset, EmulatedTable table, int rows, DateTimeOffset now)
    {
        if (dataset.PostsLastMinute.Count >= MaxPostsPerMinute)
        {
            return EmulatorResponse.TooManyRequests("Over the limit of POST rows requests per minute for this dataset.",
                dataset.PostsLastMinute.Peek() + TimeSpan.FromMinutes(1) - now);
        }

        if (table.Rows.Count >= LargeTableRows && dataset.PostsLastHour.Count >= MaxPostsPerHourWhenLarge)
        {
            var oldestCounted = dataset.PostsLastHour.ElementAt(dataset.PostsLastHour.Count - MaxPostsPerHourWhenLarge);
            return EmulatorResponse.TooManyRequests($"The table holds {LargeTableRows} rows or more: over the limit of POST rows requests per hour.",
                oldestCounted + TimeSpan.FromHours(1) - now);
        }

        if (dataset.RowsInLastHour + rows > MaxRowsPerHour)
        {
            return EmulatorResponse.TooManyRequests("You are over your rows per hour limit for this dataset.",
                dataset.RowsAdded.Peek().At + TimeSpan.FromHours(1) - now);
        }

        return null;
    }
}
