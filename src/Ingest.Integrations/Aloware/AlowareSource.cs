using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Aloware;

/// <summary>
/// Aloware as a webhook source: its static credential, <c>Authorization: Bearer &lt;token&gt;</c> or the token as the
/// password of Basic, compared in constant time over SHA-256 digests so neither content nor length leaks; several
/// comma-separated tokens are all accepted while one is rotated. Aloware does not sign its body.
/// </summary>
public sealed class AlowareSource(AlowareAdapter adapter, IOptions<AlowareWebhookOptions> options) : IWebhookSource
{
    private readonly byte[][] _expectedDigests = options.Value.Tokens
        .Select(token => SHA256.HashData(Encoding.UTF8.GetBytes(token)))
        .ToArray();

    public string Name => AlowareAdapter.SourceName;

    public string? CheckBeforeBody(WebhookRequestHead request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Header("Authorization"), out var header) || string.IsNullOrEmpty(header.Parameter))
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

    public string? CheckAfterBody(WebhookRequestHead request, ReadOnlySpan<byte> body) => null;

    public AdapterResult Classify(IngestEnvelope envelope) => adapter.Adapt(envelope);

    /// <summary>Aloware's events carry everything a fact needs.</summary>
    public IEventEnricher? Enricher => null;

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
