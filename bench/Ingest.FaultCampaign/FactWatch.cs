using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ingest.FaultCampaign;

/// <summary>
/// Reads FactEvent from the emulator and remembers when each EventKey was first seen there, on the campaign's clock: read
/// every few seconds through the run, it dates each fact's first landing to within one read.
/// </summary>
public sealed class FactWatch(HttpClient inspector, Uri emulator, Stopwatch clock)
{
    private readonly Dictionary<string, TimeSpan> _firstSeen = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, TimeSpan> FirstSeen
    {
        get
        {
            lock (_firstSeen)
            {
                return new Dictionary<string, TimeSpan>(_firstSeen, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Every FactEvent row now; keys not seen before are dated at the end of this read (they landed before it).</summary>
    public async Task<List<JsonElement>> ReadAsync()
    {
        var table = await inspector.GetFromJsonAsync<JsonElement>(new Uri(emulator, "local/tables/FactEvent"));
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        var now = clock.Elapsed;
        lock (_firstSeen)
        {
            foreach (var row in rows)
            {
                _firstSeen.TryAdd(row.GetProperty("EventKey").GetString()!, now);
            }
        }

        return rows;
    }

    /// <summary>Reads every <paramref name="every"/> until stopped; a read that fails is tried again at the next turn.</summary>
    public async Task WatchAsync(TimeSpan every, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ReadAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The emulator is a process of its own on a busy machine: the next read dates what this one missed.
            }

            try
            {
                await Task.Delay(every, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
