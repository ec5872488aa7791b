using Azure;
using Ingest.Core.Storage;

namespace Ingest.Integrations.Capture;

/// <summary>Azure Storage's faults, as the core knows them: a store that cannot be reached is a <see cref="StoreUnavailableException"/>.</summary>
internal static class StorageFaults
{
    /// <summary>
    /// Faults of the store or the path to it, worth trying again. A connection dropped mid-request can surface as a
    /// raw <see cref="System.Net.Sockets.SocketException"/> that the SDK does not wrap (seen with Azurite behind a cut proxy).
    /// </summary>
    public static bool IsUnreachable(Exception e) => e is RequestFailedException { Status: 408 or 429 or >= 500 } or RequestFailedException { Status: 0 }
        or HttpRequestException or AggregateException or IOException or System.Net.Sockets.SocketException;

    public static Task Transient(string operation, Func<Task> call) => Transient(operation, async () => { await call(); return true; });

    public static async Task<T> Transient<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw new StoreUnavailableException($"Storage queue {operation} failed: {e.GetType().Name}", e);
        }
    }
}
