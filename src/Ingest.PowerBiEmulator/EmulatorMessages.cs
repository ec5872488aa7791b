using System.Net;

namespace Ingest.PowerBiEmulator;

/// <summary>A request to the emulator, independent of how it arrived (HTTP or in process); header names are case-insensitive.</summary>
public sealed record EmulatorRequest(string Method, string Path, string Query, ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public string? Header(string name) => Headers is not null && Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>An answer in the shape Power BI gives: a JSON body, or an OData error.</summary>
public sealed record EmulatorResponse(int Status, string? Json, TimeSpan? RetryAfter = null)
{
    public static EmulatorResponse Ok(string? json = null) => new((int)HttpStatusCode.OK, json);

    public static EmulatorResponse Error(HttpStatusCode status, string code, string message, TimeSpan? retryAfter = null)
        => new((int)status, System.Text.Json.JsonSerializer.Serialize(new { error = new { code, message } }), retryAfter);

    /// <summary>Power BI's 429: never sooner than a second.</summary>
    public static EmulatorResponse TooManyRequests(string message, TimeSpan retryAfter)
        => Error(HttpStatusCode.TooManyRequests, "TooManyRequests", message, retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter);
}
