using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Ingest.Core.Adapters.HubSpot;
using Ingest.Functions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Http;

/// <summary>
/// Checks Aloware's static credential: <c>Authorization: Bearer &lt;token&gt;</c>, or the token as the
/// password of Basic. Compared in constant time over SHA-256 digests, so neither content nor length leaks.
/// Several comma-separated tokens are all accepted while one is being rotated.
/// </summary>
public sealed class WebhookAuthenticator(IOptions<WebhookOptions> options, HubSpotSignature? hubSpot = null)
{
    private readonly byte[][] _expectedDigests = options.Value.AlowareToken
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(token => SHA256.HashData(Encoding.UTF8.GetBytes(token)))
        .ToArray();

    /// <summary>What can be checked before the body is read: Aloware's token. HubSpot signs its body, so it waits.</summary>
    /// <returns>Null when authorised so far, else a reason code for the 401.</returns>
    public string? CheckBeforeReading(string source, HttpRequest request)
        => source.Equals(HubSpotAdapter.SourceName, StringComparison.OrdinalIgnoreCase) ? null : Check(request);

    /// <summary>HubSpot's signature over the body just read; nothing more for other sources.</summary>
    public string? CheckAfterReading(string source, HttpRequest request, ReadOnlySpan<byte> body)
    {
        if (!source.Equals(HubSpotAdapter.SourceName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var headers = request.Headers;
        return hubSpot!.Check(request.Method, new HubSpotSignatureHeaders(
            headers["X-HubSpot-Signature-v3"].FirstOrDefault(),
            headers["X-HubSpot-Request-Timestamp"].FirstOrDefault(),
            headers["X-HubSpot-Signature"].FirstOrDefault(),
            headers["X-HubSpot-Signature-Version"].FirstOrDefault()), body);
    }

    /// <returns>Null when Aloware's token is presented, else a reason code for the 401.</returns>
    public string? Check(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header) || string.IsNullOrEmpty(header.Parameter))
        {
            return "missing_credential";
        }

        var presented = header.Scheme.ToLowerInvariant() switch
        {
            "bearer" => header.Parameter,
            "basic" => BasicPassword(header.Parameter),
            _ => null,
        };
        if (presented is null)
        {
            return "unsupported_scheme";
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var matched = false;
        foreach (var expected in _expectedDigests)
        {
            // Every token is compared, so the time taken does not say which one matched.
            matched |= CryptographicOperations.FixedTimeEquals(digest, expected);
        }

        return matched ? null : "wrong_credential";
    }

    private static string? BasicPassword(string parameter)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
