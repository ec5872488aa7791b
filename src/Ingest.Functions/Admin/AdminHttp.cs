using System.Collections.Concurrent;
using Ingest.Core.Admin;
using Ingest.Core.Storage;
using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Ingest.Functions.Admin;

/// <summary>
/// The one place admin functions read a signed request: the peer first (an address off the allowlist costs no
/// read), then the credential's headers (missing, stale or malformed ones cost no read either), then at most
/// <see cref="MaxBodyBytes"/> of raw body, then the signature over it. Refusals are audited,
/// at most one entry per caller and reason a minute, so a flood of forgeries cannot flood the audit table.
/// </summary>
public sealed class AdminHttp(AdminAuthenticator authenticator, IAuditLog audit, TimeProvider clock)
{
    private const int MaxBodyBytes = 1024 * 1024;
    private static readonly TimeSpan RefusalAuditEvery = TimeSpan.FromMinutes(1);
    private const int MaxCallersRemembered = 10_000;

    private readonly ConcurrentDictionary<(string Caller, string Reason), (DateTimeOffset At, int Unrecorded)> _refusals = new();

    /// <returns>The raw body and the actor when authenticated; otherwise a 401 (or 413) problem+json with a reason code.</returns>
    public Task<(byte[] Body, string? Actor, IActionResult? Refusal)> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
        => AuthenticateAsync(request, MaxBodyBytes, cancellationToken);

    /// <param name="maxBodyBytes">The largest body this endpoint reads (an export may be far above the JSON bodies' limit).</param>
    /// <param name="beforeReading">A check of the request's own headers (its media type), run once the credential's headers pass and before the body is read.</param>
    public async Task<(byte[] Body, string? Actor, IActionResult? Refusal)> AuthenticateAsync(
        HttpRequest request, long maxBodyBytes, CancellationToken cancellationToken, Func<IActionResult?>? beforeReading = null)
    {
        var headers = request.Headers;
        var peer = request.HttpContext.Connection.RemoteIpAddress;
        // Several proxies may each add a header: together they are one list.
        var forwardedFor = string.Join(',', headers["X-Forwarded-For"].ToArray());
        if (!authenticator.IsAllowedAddress(peer, forwardedFor))
        {
            return await RefuseAsync(request, authenticator.ClientAddress(peer, forwardedFor), "ip_not_allowed", cancellationToken);
        }

        if (authenticator.CheckHeaders(headers["X-Admin-Timestamp"].FirstOrDefault(), headers["X-Admin-Nonce"].FirstOrDefault(),
                string.Join(' ', headers["X-Admin-Signature"].ToArray()), headers["X-Admin-Api-Key"].FirstOrDefault()) is { } reason)
        {
            return await RefuseAsync(request, authenticator.ClientAddress(peer, forwardedFor), reason, cancellationToken);
        }

        if (beforeReading?.Invoke() is { } refusedUnread)
        {
            return ([], null, refusedUnread);
        }

        if (await BoundedBody.ReadAsync(request, maxBodyBytes, cancellationToken) is not { } body)
        {
            return ([], null, Problems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"This endpoint reads bodies of at most {maxBodyBytes} bytes.", "body"));
        }

        var result = await authenticator.AuthenticateAsync(new AdminRequest(
            request.Method,
            request.Path.Value ?? "/",
            headers["X-Admin-Timestamp"].FirstOrDefault(),
            headers["X-Admin-Nonce"].FirstOrDefault(),
            string.Join(' ', headers["X-Admin-Signature"].ToArray()),
            headers["X-Admin-Api-Key"].FirstOrDefault(),
            peer,
            forwardedFor,
            body,
            request.QueryString.Value), cancellationToken);
        return result.Succeeded ? (body, result.Actor, null) : await RefuseAsync(request, authenticator.ClientAddress(peer, forwardedFor), result.Reason!, cancellationToken);
    }

    /// <summary>Audited without the body or any header value: who tried, where, and the reason code; throttled per caller.</summary>
    private async Task<(byte[], string?, IActionResult?)> RefuseAsync(HttpRequest request, System.Net.IPAddress? client, string reason, CancellationToken cancellationToken)
    {
        // The client as the allowlist sees it: behind the Functions host every peer is the host's loopback proxy.
        var caller = $"unauthenticated@{client}";
        var now = clock.GetUtcNow();
        if (_refusals.Count > MaxCallersRemembered)
        {
            _refusals.Clear(); // a flood from many addresses: forget and audit afresh rather than grow without bound
        }

        var unrecorded = 0;
        var record = false;
        _refusals.AddOrUpdate((caller, reason),
            _ => { record = true; return (now, 0); },
            (_, last) =>
            {
                record = now - last.At >= RefusalAuditEvery;
                unrecorded = last.Unrecorded;
                return record ? (now, 0) : (last.At, last.Unrecorded + 1);
            });
        if (record)
        {
            var more = unrecorded > 0 ? $" (and {unrecorded} more like it since the last entry)" : "";
            await audit.AppendAsync(new AuditEntry("auth", caller, now, AuditPayload.Sha256([]), [], $"refused {request.Path}: {reason}{more}"), cancellationToken);
        }

        return ([], null, Problems.Unauthorized(reason));
    }
}
