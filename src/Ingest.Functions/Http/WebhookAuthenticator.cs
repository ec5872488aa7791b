using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Ingest.Functions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Http;

/// <summary>
/// Checks Aloware's static credential: <c>Authorization: Bearer &lt;token&gt;</c>, or the token as the
/// password of Basic. Compared in constant time over SHA-256 digests, so neither content nor length leaks.
/// </summary>
public sealed class WebhookAuthenticator(IOptions<WebhookOptions> options)
{
    private readonly byte[] _expectedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AlowareToken));

    /// <returns>Null when authorised, else a reason code for the 401.</returns>
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
        return CryptographicOperations.FixedTimeEquals(digest, _expectedDigest) ? null : "wrong_credential";
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
