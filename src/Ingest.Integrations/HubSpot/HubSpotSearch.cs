using System.Globalization;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.HubSpot;

/// <summary>
/// Every object a CRM search matches in a time window (HUBSPOT.md "Reconciliation"): pages of 100 sorted by the time
/// property; a window matching more than a query may return (10,000) is split in two and each half searched; search
/// requests are spaced to <c>HubSpot__SearchRequestsPerSecond</c>, inside HubSpot's own search limit.
/// </summary>
public sealed class HubSpotSearch(HubSpotClient client, IOptions<HubSpotOptions> options, TimeProvider clock)
{
    private readonly SemaphoreSlim _pace = new(1, 1);
    private DateTimeOffset _lastRequest = DateTimeOffset.MinValue;

    /// <summary>HubSpot answers 400 past this many results of one query.</summary>
    internal int MaxResultsPerQuery { get; set; } = 10_000;

    /// <param name="filters">The window's filters other than time.</param>
    /// <param name="timeProperty">The time property: the window is <c>[from, to)</c> on it, and pages are sorted by it.</param>
    public async Task<IReadOnlyList<HubSpotObject>> FindAsync(
        string objectType, IReadOnlyList<HubSpotFilter> filters, string timeProperty, string[] properties, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, HubSpotObject>(StringComparer.Ordinal);
        var windows = new Stack<(DateTimeOffset From, DateTimeOffset To)>([(from, to)]);
        while (windows.TryPop(out var window))
        {
            IReadOnlyList<HubSpotFilter> query =
            [
                .. filters,
                new(timeProperty, "GTE", Millis(window.From)),
                new(timeProperty, "LT", Millis(window.To)),
            ];
            var (objects, total, after) = await PacedAsync(() => client.SearchAsync(objectType, query, timeProperty, properties, null, cancellationToken), cancellationToken);
            if (total > MaxResultsPerQuery && window.To - window.From > TimeSpan.FromSeconds(1))
            {
                var middle = window.From + (window.To - window.From) / 2;
                windows.Push((middle, window.To));
                windows.Push((window.From, middle));
                continue;
            }

            Add(found, objects);
            while (after is not null)
            {
                (objects, _, after) = await PacedAsync(() => client.SearchAsync(objectType, query, timeProperty, properties, after, cancellationToken), cancellationToken);
                Add(found, objects);
            }
        }

        return [.. found.Values];
    }

    private static void Add(Dictionary<string, HubSpotObject> found, IReadOnlyList<HubSpotObject> objects)
    {
        foreach (var o in objects)
        {
            found.TryAdd(o.Id, o);
        }
    }

    private static string Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>One search request at a time per instance, at least 1/rate apart.</summary>
    private async Task<T> PacedAsync<T>(Func<Task<T>> search, CancellationToken cancellationToken)
    {
        await _pace.WaitAsync(cancellationToken);
        try
        {
            var wait = _lastRequest + TimeSpan.FromSeconds(1.0 / options.Value.SearchRequestsPerSecond) - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, cancellationToken);
            }

            _lastRequest = clock.GetUtcNow();
            return await search();
        }
        finally
        {
            _pace.Release();
        }
    }
}
