using Microsoft.AspNetCore.Http;

namespace Ingest.Functions.Http;

/// <summary>Reads a request body up to a limit: a declared length over it costs no read, and a body without one is counted as it comes.</summary>
public static class BoundedBody
{
    /// <returns>The whole body, or null when it is longer than <paramref name="limit"/> (reading stops there).</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
        => request.ContentLength > limit ? null : await ReadAsync(request.Body, limit, cancellationToken);

    private static async Task<byte[]?> ReadAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
