using Ingest.Core.Admin;
using Ingest.Core.Storage;
using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Ingest.Functions.Admin;

/// <summary>The one place admin functions read a signed request: raw body bytes, the signature headers, the peer.</summary>
public sealed class AdminHttp(AdminAuthenticator authenticator, IAuditLog audit, TimeProvider clock)
{
    private const int MaxBodyBytes = 1024 * 1024;

    /// <returns>The raw body and the actor when authenticated; otherwise a 401 problem+json with a reason code.</returns>
    public async Task<(byte[] Body, string? Actor, IActionResult? Refusal)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBodyBytes)
        {
            return ([], null, Problems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Admin bodies are at most {MaxBodyBytes} bytes.", "body"));
        }

        var body = buffer.ToArray();
        var headers = request.Headers;
        var result = await authenticator.AuthenticateAsync(new AdminRequest(
            request.Method,
            request.Path.Value ?? "/",
            headers["X-Admin-Timestamp"].FirstOrDefault(),
            headers["X-Admin-Nonce"].FirstOrDefault(),
            string.Join(' ', headers["X-Admin-Signature"].ToArray()),
            headers["X-Admin-Api-Key"].FirstOrDefault(),
            request.HttpContext.Connection.RemoteIpAddress,
            headers["X-Forwarded-For"].FirstOrDefault(),
            body), cancellationToken);
        if (result.Succeeded)
        {
            return (body, result.Actor, null);
        }

        // Audited without the body or any header value: only who tried, where, and the reason code.
        var caller = $"unauthenticated@{request.HttpContext.Connection.RemoteIpAddress}";
        await audit.AppendAsync(new AuditEntry("auth", caller, clock.GetUtcNow(), AuditPayload.Sha256(body), [], $"refused {request.Path}: {result.Reason}"), cancellationToken);
        return ([], null, Problems.Unauthorized(result.Reason!));
    }
}
