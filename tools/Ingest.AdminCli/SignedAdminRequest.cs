using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ingest.Core.Admin;

namespace Ingest.AdminCli;

/// <summary>One admin call, signed exactly as the contract says: timestamp, nonce, and the HMAC over both, the method, the path and the body.</summary>
internal static class SignedAdminRequest
{
    public static HttpRequestMessage Create(Uri app, string path, byte[] body, bool csv, string secret, string? apiKey)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new(csv ? "text/csv" : "application/json");
        request.Headers.Add("X-Admin-Timestamp", timestamp);
        request.Headers.Add("X-Admin-Nonce", nonce);
        request.Headers.Add("X-Admin-Signature", AdminAuthenticator.Sign(secret, timestamp, nonce, "POST", path, body));
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Add("X-Admin-Api-Key", apiKey);
        }

        return request;
    }

    /// <summary>The JSON body with <c>"dryRun": true</c> set (an empty body becomes just that), or null when it is not an object.</summary>
    public static byte[]? WithDryRun(byte[] body)
    {
        try
        {
            if ((body.Length == 0 ? new JsonObject() : JsonNode.Parse(body) as JsonObject) is not { } json)
            {
                return null;
            }

            json["dryRun"] = true;
            return JsonSerializer.SerializeToUtf8Bytes(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The exact request, so ops can compare it with a curl + openssl recipe; the secret is not in it.</summary>
    public static async Task PrintAsync(HttpRequestMessage request, byte[] body, TextWriter output)
    {
        await output.WriteLineAsync($"POST {request.RequestUri}");
        foreach (var (name, values) in request.Headers.Concat(request.Content!.Headers))
        {
            await output.WriteLineAsync($"{name}: {string.Join(' ', values)}");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(Encoding.UTF8.GetString(body));
    }
}
