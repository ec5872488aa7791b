using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.HubSpot;

/// <summary>The signature headers of one HubSpot delivery, as they arrived (any may be missing).</summary>
public sealed record HubSpotSignatureHeaders(string? SignatureV3, string? Timestamp, string? Signature, string? SignatureVersion);

/// <summary>
/// HubSpot's request signatures (HUBSPOT.md). v3: base64 HMAC-SHA256, keyed with the client secret, of
/// method + public URL + raw body + timestamp (epoch ms, within 5 minutes). HubSpot's documentation decodes
/// some percent-escapes in the URL first and its SDKs do not, so both forms are accepted. v1 and v2
/// (hex SHA-256 of secret + body, or secret + method + URL + body) only where configured. Every comparison
/// is constant-time; the secret is never logged.
/// </summary>
public sealed class HubSpotSignature(IOptions<HubSpotOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private static readonly string[] DecodedEscapes = ["%3A", "%2F", "%3F", "%40", "%21", "%24", "%27", "%28", "%29", "%2A", "%2C", "%3B"];

    /// <returns>Null when the delivery is HubSpot's, else a reason code for the 401.</returns>
    public string? Check(string method, HubSpotSignatureHeaders headers, ReadOnlySpan<byte> body)
    {
        var settings = options.Value;
        var secret = settings.ClientSecret!;
        var url = settings.WebhookUrl!;
        if (!string.IsNullOrEmpty(headers.SignatureV3))
        {
            if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
            {
                return "missing_timestamp";
            }

            var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(milliseconds, 0, 253402300799999));
            if (age > Tolerance || age < -Tolerance)
            {
                return "stale_timestamp";
            }

            // Compared as text, so a signature differing only in base64's unused padding bits is not the same one.
            var presented = Encoding.ASCII.GetBytes(headers.SignatureV3);
            var matched = false;
            foreach (var form in new[] { url, DecodeUrl(url) }.Distinct())
            {
                matched |= CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(Convert.ToBase64String(V3(secret, method, form, body, headers.Timestamp!))));
            }

            return matched ? null : "bad_signature";
        }

        if (string.IsNullOrEmpty(headers.Signature))
        {
            return "missing_signature";
        }

        if (!settings.AllowLegacySignatures)
        {
            return "legacy_signature_refused";
        }

        var expected = headers.SignatureVersion?.ToLowerInvariant() switch
        {
            "v1" => V1(secret, body),
            "v2" => V2(secret, method, url, body),
            _ => null,
        };
        if (expected is null)
        {
            return "unknown_signature_version";
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(headers.Signature.ToLowerInvariant()), Encoding.ASCII.GetBytes(expected)) ? null : "bad_signature";
    }

    /// <summary>The v3 signature's raw bytes (base64 of these is the header).</summary>
    public static byte[] V3(string secret, string method, string url, ReadOnlySpan<byte> body, string timestamp)
        => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Concat(Encoding.UTF8.GetBytes(method + url), body, Encoding.UTF8.GetBytes(timestamp)));

    public static string V1(string secret, ReadOnlySpan<byte> body)
        => Convert.ToHexStringLower(SHA256.HashData(Concat(Encoding.UTF8.GetBytes(secret), body, [])));

    public static string V2(string secret, string method, string url, ReadOnlySpan<byte> body)
        => Convert.ToHexStringLower(SHA256.HashData(Concat(Encoding.UTF8.GetBytes(secret + method + url), body, [])));

    /// <summary>The URL as HubSpot's documentation says it is signed: these escapes decoded, any case.</summary>
    public static string DecodeUrl(string url)
    {
        foreach (var escape in DecodedEscapes)
        {
            var character = (char)Convert.ToInt32(escape[1..], 16);
            url = url.Replace(escape, character.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        return url;
    }

    private static byte[] Concat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third)
    {
        var all = new byte[first.Length + second.Length + third.Length];
        first.CopyTo(all);
        second.CopyTo(all.AsSpan(first.Length));
        third.CopyTo(all.AsSpan(first.Length + second.Length));
        return all;
    }
}
