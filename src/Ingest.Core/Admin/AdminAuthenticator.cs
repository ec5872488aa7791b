using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Admin;

/// <summary>
/// An admin request as the signature sees it: no transport types, so every host checks it the same way.
/// <see cref="Query"/> is the raw query string with its leading <c>?</c>, or null when the request has none.
/// </summary>
public sealed record AdminRequest(
    string Method,
    string Path,
    string? Timestamp,
    string? Nonce,
    string? Signature,
    string? ApiKey,
    IPAddress? Peer,
    string? ForwardedFor,
    ReadOnlyMemory<byte> Body,
    string? Query = null);

/// <summary>Null <see cref="Reason"/> means authenticated, by <see cref="Actor"/> (which secret signed, never the secret).</summary>
public sealed record AdminAuthResult(string? Reason, string? Actor)
{
    public bool Succeeded => Reason is null;
}

/// <summary>
/// The admin signature (docs/contracts.md, "Admin signature"): HMAC-SHA256 keyed with the UTF-8 secret over
/// <c>{timestamp}.{nonce}.{METHOD}.{path}.</c> and the raw body, the path followed by <c>?</c> and the raw query string
/// when the request has one, sent as <c>X-Admin-Signature: v1=&lt;base64&gt;</c> (several allowed). Secrets rotate
/// (any configured one signs), the timestamp must be within the tolerance, the nonce is single use, an API key and
/// an IP allowlist may be required. Comparisons are constant time; a failure says only a reason code.
/// </summary>
public sealed partial class AdminAuthenticator(IOptions<AdminOptions> options, INonceStore nonces, TimeProvider clock)
{
    private readonly byte[][] _secrets = options.Value.Secrets.Select(Encoding.UTF8.GetBytes).ToArray();
    private readonly IReadOnlyList<IpNetwork> _allowlist = IpNetwork.ParseList(options.Value.IpAllowlist);
    private readonly IReadOnlyList<IpNetwork> _trustedProxies = IpNetwork.ParseList(options.Value.TrustedProxies);
    private readonly byte[]? _apiKeyDigest = string.IsNullOrEmpty(options.Value.ApiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey));

    [GeneratedRegex("^[A-Za-z0-9_-]{16,128}$")]
    private static partial Regex NonceShape();

    /// <summary>The allowlist alone, checked before the body is read: a caller from elsewhere costs nothing more.</summary>
    public bool IsAllowedAddress(IPAddress? peer, string? forwardedFor)
        => _allowlist.Count == 0 || (ClientAddress(peer, forwardedFor) is { } client && _allowlist.Any(n => n.Contains(client)));

    public async Task<AdminAuthResult> AuthenticateAsync(AdminRequest request, CancellationToken cancellationToken)
    {
        if (!IsAllowedAddress(request.Peer, request.ForwardedFor))
        {
            return Fail("ip_not_allowed");
        }

        if (CheckHeaders(request.Timestamp, request.Nonce, request.Signature, request.ApiKey) is { } reason)
        {
            return Fail(reason);
        }

        if (MatchingSecret(request) is not { } secretIndex)
        {
            return Fail("bad_signature");
        }

        // Only a correctly signed request may spend a nonce, so a forger cannot burn them.
        if (!await nonces.TryUseAsync(request.Nonce!, options.Value.Tolerance * 2, cancellationToken))
        {
            return Fail("replayed_nonce");
        }

        return new AdminAuthResult(null, $"hmac-secret-{secretIndex + 1}");
    }

    /// <summary>
    /// The checks that need no body: the headers are there, the API key fits, the timestamp is fresh, the nonce is
    /// well formed. Run before a large body is read, so a request that cannot succeed costs no read.
    /// </summary>
    /// <returns>The refusal's reason code, or null.</returns>
    public string? CheckHeaders(string? timestamp, string? nonce, string? signature, string? apiKey)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(signature))
        {
            return "missing_headers";
        }

        if (_apiKeyDigest is not null && !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey ?? "")), _apiKeyDigest))
        {
            return "bad_api_key";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - seconds) > options.Value.Tolerance.TotalSeconds)
        {
            return "stale_timestamp";
        }

        return NonceShape().IsMatch(nonce) ? null : "bad_nonce";
    }

    /// <summary>The signature of a request, as the ops CLI computes it.</summary>
    public static string Sign(string secret, string timestamp, string nonce, string method, string path, ReadOnlySpan<byte> body)
        => "v1=" + Convert.ToBase64String(Mac(Encoding.UTF8.GetBytes(secret), timestamp, nonce, method, path, body));

    private int? MatchingSecret(AdminRequest request)
    {
        var presented = request.Signature!.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.StartsWith("v1=", StringComparison.Ordinal))
            .Select(s => TryBase64(s[3..]))
            .Where(s => s is not null)
            .ToArray();
        // The query is signed with the path (?dryRun=true changes what the request does): a path-only signature does not cover it.
        var signedPath = request.Path + request.Query;
        int? match = null;
        for (var i = 0; i < _secrets.Length; i++)
        {
            var expected = Mac(_secrets[i], request.Timestamp!, request.Nonce!, request.Method, signedPath, request.Body.Span);
            foreach (var candidate in presented)
            {
                // Every pair is compared, matched or not, so timing says nothing about which secret or signature fitted.
                if (CryptographicOperations.FixedTimeEquals(expected, candidate))
                {
                    match ??= i;
                }
            }
        }

        return match;
    }

    private static byte[] Mac(byte[] secret, string timestamp, string nonce, string method, string path, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.UTF8.GetBytes($"{timestamp}.{nonce}.{method.ToUpperInvariant()}.{path}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    /// <summary>The caller's address: the peer, or the right-most untrusted X-Forwarded-For entry behind a trusted proxy.</summary>
    public IPAddress? ClientAddress(IPAddress? peer, string? forwardedFor)
    {
        if (peer is null || _trustedProxies.Count == 0 || !_trustedProxies.Any(p => p.Contains(peer)) || string.IsNullOrWhiteSpace(forwardedFor))
        {
            return peer;
        }

        // The right-most address not added by a trusted proxy is the client.
        foreach (var hop in forwardedFor.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Reverse())
        {
            if (Hop(hop) is not { } address)
            {
                return null;
            }

            if (!_trustedProxies.Any(p => p.Contains(address)))
            {
                return address;
            }
        }

        return peer;
    }

    /// <summary>An X-Forwarded-For entry: an address, or (as Azure's front ends write it) an address with a port.</summary>
    private static IPAddress? Hop(string hop)
        => IPAddress.TryParse(hop, out var address) ? address
            : IPEndPoint.TryParse(hop, out var endpoint) ? endpoint.Address
            : null;

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    private static AdminAuthResult Fail(string reason) => new(reason, null);
}
