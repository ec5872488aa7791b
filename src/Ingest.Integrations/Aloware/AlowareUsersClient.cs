using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Aloware;

/// <summary>One Aloware user as <c>GET /api/v1/webhook/users</c> returns it (other fields are ignored).</summary>
public sealed record AlowareUser(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("email")] string? Email);

/// <summary>
/// Aloware's REST API over a typed <see cref="HttpClient"/> (retries, timeouts and a breaker from the standard
/// resilience handler). The token travels in the query, so the client's request logging is removed.
/// </summary>
public sealed class AlowareUsersClient(HttpClient http, IOptions<AlowareOptions> options)
{
    public async Task<IReadOnlyList<AlowareUser>> GetUsersAsync(CancellationToken cancellationToken)
    {
        var token = Uri.EscapeDataString(options.Value.ApiToken ?? "");
        using var response = await http.GetAsync($"api/v1/webhook/users?api_token={token}", cancellationToken);
        await EnsureSuccessAsync(response, "users");
        return await response.Content.ReadFromJsonAsync<AlowareUser[]>(cancellationToken) ?? [];
    }

    /// <summary>The ring group's member ids from the configured members URL: an array of ids, or of objects with <c>id</c>.</summary>
    public async Task<IReadOnlyList<long>> GetMemberIdsAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.MembersUrlTemplate!
            .Replace("{ringGroupId}", options.Value.RingGroupId?.ToString() ?? "", StringComparison.Ordinal)
            .Replace("{apiToken}", Uri.EscapeDataString(options.Value.ApiToken ?? ""), StringComparison.Ordinal);
        using var response = await http.GetAsync(url, cancellationToken);
        await EnsureSuccessAsync(response, "ring group members");
        var members = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return members.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.Object ? m.GetProperty("id").GetInt64() : m.GetInt64()).ToArray();
    }

    /// <summary>The error names the status and what was asked, never the URL (it holds the token).</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"Aloware answered {(int)response.StatusCode} for {what}: {detail[..Math.Min(detail.Length, 200)]}", null, response.StatusCode);
        }
    }
}
