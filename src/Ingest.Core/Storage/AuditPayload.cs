using System.IO.Compression;
using System.Security.Cryptography;

namespace Ingest.Core.Storage;

/// <summary>How an audit payload is stored: as sent when small, gzip-compressed when large, refused when too large even so.</summary>
public static class AuditPayload
{
    /// <summary>Below DynamoDB's 400 KB item limit with room for the entry's other attributes.</summary>
    public const int MaxStoredBytes = 350 * 1024;

    public static string Sha256(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    /// <exception cref="PayloadTooLargeException">Even compressed, the payload is over <see cref="MaxStoredBytes"/>.</exception>
    public static (byte[] Stored, bool Compressed) Pack(byte[] payload)
    {
        if (payload.Length <= MaxStoredBytes)
        {
            return (payload, false);
        }

        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        if (buffer.Length > MaxStoredBytes)
        {
            throw new PayloadTooLargeException($"The payload is {payload.Length} bytes and {buffer.Length} compressed; the audit log keeps at most {MaxStoredBytes} bytes.");
        }

        return (buffer.ToArray(), true);
    }

    public static byte[] Unpack(byte[] stored, bool compressed)
    {
        if (!compressed)
        {
            return stored;
        }

        using var gzip = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }
}

/// <summary>An admin payload too large to audit: refused with a clear error rather than applied unaudited.</summary>
public sealed class PayloadTooLargeException(string message) : Exception(message);
