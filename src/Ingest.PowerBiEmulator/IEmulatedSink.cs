using System.Text.Json;

namespace Ingest.PowerBiEmulator;

/// <summary>
/// What every sink emulator offers its hosts (in process, over HTTP, on its own): answering a request, and the
/// <c>/local</c> inspection routes' tables, counters and faults (docs/contracts.md, "Local inspection routes").
/// </summary>
public interface IEmulatedSink
{
    Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken);

    /// <summary>Counters of every table, for <c>GET /local/stats</c>.</summary>
    IReadOnlyDictionary<string, TableStats> Stats();

    /// <summary>The rows a table holds, as JSON objects.</summary>
    IReadOnlyList<JsonElement> Rows(string table);

    /// <summary>Answers the next <paramref name="count"/> write requests with <paramref name="status"/>.</summary>
    void InjectFault(int status, int count);

    /// <summary>Holds every write request this long before serving it; zero clears.</summary>
    void SetLatency(TimeSpan latency);
}
