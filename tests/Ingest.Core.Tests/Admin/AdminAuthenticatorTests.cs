using System.Net;
using System.Text;
using Ingest.Core.Admin;
using Ingest.Core.Embedded;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Core.Tests.Admin;

public class AdminAuthenticatorTests
{
    private const string Path = "/api/admin/dimmetric/sync";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"month\":\"2026-12\",\"version\":3,\"metrics\":[]}");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private AdminAuthenticator Authenticator(AdminOptions? options = null)
        => new(Options.Create(options ?? new AdminOptions { HmacSecret = "new-secret,old-secret" }), new InMemoryNonceStore(_clock), _clock);

    private AdminRequest Signed(string secret = "new-secret", long? timestamp = null, string nonce = "nonce-0123456789ab", string method = "POST", string path = Path, byte[]? body = null, IPAddress? peer = null, string? forwardedFor = null, string? apiKey = null)
    {
        var ts = (timestamp ?? _clock.GetUtcNow().ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = AdminAuthenticator.Sign(secret, ts, nonce, method, path, body ?? Body);
        return new AdminRequest(method, path, ts, nonce, signature, apiKey, peer ?? IPAddress.Loopback, forwardedFor, body ?? Body);
    }

    private static async Task<string?> ReasonAsync(AdminAuthenticator authenticator, AdminRequest request)
        => (await authenticator.AuthenticateAsync(request, CancellationToken.None)).Reason;

    [Fact]
    public async Task AcceptsAValidSignatureAndNamesTheSecretNotItsValue()
    {
        var result = await Authenticator().AuthenticateAsync(Signed(), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("hmac-secret-1", result.Actor);
    }

    [Fact]
    public async Task AcceptsTheOldSecretDuringARotation()
    {
        var result = await Authenticator().AuthenticateAsync(Signed(secret: "old-secret"), CancellationToken.None);

        Assert.Equal("hmac-secret-2", result.Actor);
    }

    [Fact]
    public async Task AcceptsOneValidAmongSeveralSignatures()
    {
        var request = Signed();
        var both = request with { Signature = "v1=AAAA " + request.Signature };

        Assert.Null(await ReasonAsync(Authenticator(), both));
    }

    [Fact]
    public async Task RefusesAWrongSecret() => Assert.Equal("bad_signature", await ReasonAsync(Authenticator(), Signed(secret: "guess")));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task RefusesAStaleOrFutureTimestamp(int offset)
        => Assert.Equal("stale_timestamp", await ReasonAsync(Authenticator(), Signed(timestamp: _clock.GetUtcNow().ToUnixTimeSeconds() + offset)));

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public async Task AcceptsTheEdgesOfTheTolerance(int offset)
        => Assert.Null(await ReasonAsync(Authenticator(), Signed(timestamp: _clock.GetUtcNow().ToUnixTimeSeconds() + offset)));

    [Fact]
    public async Task RefusesAReplayedNonce()
    {
        var authenticator = Authenticator();

        Assert.Null(await ReasonAsync(authenticator, Signed()));
        Assert.Equal("replayed_nonce", await ReasonAsync(authenticator, Signed()));
    }

    [Fact]
    public async Task AForgedRequestDoesNotSpendTheNonce()
    {
        var authenticator = Authenticator();

        Assert.Equal("bad_signature", await ReasonAsync(authenticator, Signed(secret: "guess")));
        Assert.Null(await ReasonAsync(authenticator, Signed()));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has spaces in it....")]
    [InlineData("nonce/with/slashes/")]
    public async Task RefusesANonceOfTheWrongShape(string nonce) => Assert.Equal("bad_nonce", await ReasonAsync(Authenticator(), Signed(nonce: nonce)));

    [Fact]
    public async Task RefusesATamperedBodyPathOrMethod()
    {
        var request = Signed();
        var authenticator = Authenticator();

        Assert.Equal("bad_signature", await ReasonAsync(authenticator, request with { Body = Encoding.UTF8.GetBytes("{\"month\":\"2026-12\",\"version\":4,\"metrics\":[]}") }));
        Assert.Equal("bad_signature", await ReasonAsync(authenticator, request with { Path = "/api/admin/dimagent/sync" }));
        Assert.Equal("bad_signature", await ReasonAsync(authenticator, request with { Method = "PUT" }));
    }

    [Fact]
    public async Task SignsTheQueryStringWithThePath()
    {
        const string backfill = "/api/admin/backfill/aloware";
        var signed = Signed(path: backfill + "?dryRun=true") with { Path = backfill, Query = "?dryRun=true" };

        Assert.Null(await ReasonAsync(Authenticator(), signed));
    }

    [Fact]
    public async Task RefusesASignatureOverThePathAloneWhenTheRequestHasAQuery()
    {
        const string backfill = "/api/admin/backfill/aloware";
        var pathOnly = Signed(path: backfill) with { Query = "?dryRun=true" };
        var otherQuery = Signed(path: backfill + "?dryRun=false") with { Path = backfill, Query = "?dryRun=true" };

        Assert.Equal("bad_signature", await ReasonAsync(Authenticator(), pathOnly));
        Assert.Equal("bad_signature", await ReasonAsync(Authenticator(), otherQuery));
    }

    [Fact]
    public async Task RefusesMissingHeaders()
    {
        var request = Signed();
        var authenticator = Authenticator();

        Assert.Equal("missing_headers", await ReasonAsync(authenticator, request with { Timestamp = null }));
        Assert.Equal("missing_headers", await ReasonAsync(authenticator, request with { Nonce = "" }));
        Assert.Equal("missing_headers", await ReasonAsync(authenticator, request with { Signature = null }));
        Assert.Equal("bad_signature", await ReasonAsync(authenticator, request with { Signature = "v2=abc not-base64" }));
    }

    [Fact]
    public async Task RequiresTheApiKeyWhenOneIsConfigured()
    {
        var authenticator = Authenticator(new AdminOptions { HmacSecret = "new-secret", ApiKey = "key-1" });

        Assert.Equal("bad_api_key", await ReasonAsync(authenticator, Signed()));
        Assert.Equal("bad_api_key", await ReasonAsync(authenticator, Signed(apiKey: "key-2")));
        Assert.Null(await ReasonAsync(authenticator, Signed(apiKey: "key-1")));
    }

    [Fact]
    public async Task AppliesTheAllowlistToTheConnectionsAddress()
    {
        var authenticator = Authenticator(new AdminOptions { HmacSecret = "new-secret", IpAllowlist = "10.1.0.0/16, 2001:db8::/32" });

        Assert.Null(await ReasonAsync(authenticator, Signed(peer: IPAddress.Parse("10.1.2.3"), nonce: "nonce-aaaaaaaaaaaaaaaa")));
        Assert.Null(await ReasonAsync(authenticator, Signed(peer: IPAddress.Parse("2001:db8::7"), nonce: "nonce-bbbbbbbbbbbbbbbb")));
        Assert.Equal("ip_not_allowed", await ReasonAsync(authenticator, Signed(peer: IPAddress.Parse("10.2.0.1"))));
        // Without a trusted proxy, X-Forwarded-For is not believed.
        Assert.Equal("ip_not_allowed", await ReasonAsync(authenticator, Signed(peer: IPAddress.Parse("203.0.113.5"), forwardedFor: "10.1.2.3")));
    }

    [Fact]
    public async Task BelievesXForwardedForOnlyFromATrustedProxy()
    {
        var authenticator = Authenticator(new AdminOptions { HmacSecret = "new-secret", IpAllowlist = "10.1.0.0/16", TrustedProxies = "192.168.50.0/24" });

        Assert.Null(await ReasonAsync(authenticator, Signed(peer: IPAddress.Parse("192.168.50.9"), forwardedFor: "198.51.100.1, 10.1.2.3")));
        Assert.Equal("ip_not_allowed", await ReasonAsync(authenticator, Signed(peer: IPAddress.Parse("192.168.50.9"), forwardedFor: "10.1.2.3, 198.51.100.1", nonce: "nonce-cccccccccccccccc")));
        Assert.Equal("ip_not_allowed", await ReasonAsync(authenticator, Signed(peer: IPAddress.Parse("192.168.50.9"), forwardedFor: "not-an-ip", nonce: "nonce-dddddddddddddddd")));
    }

    [Fact]
    public async Task ReadsForwardedAddressesWithPortsAsAzuresFrontEndsWriteThem()
    {
        // Behind the Functions host the peer is the host's loopback proxy; the front end adds "client:port".
        var authenticator = Authenticator(new AdminOptions { HmacSecret = "new-secret", IpAllowlist = "203.0.113.0/24, 2001:db8::/32", TrustedProxies = "127.0.0.1/32, ::1/128" });
        var host = IPAddress.Loopback;

        Assert.Null(await ReasonAsync(authenticator, Signed(peer: host, forwardedFor: "203.0.113.7:51234", nonce: "nonce-eeeeeeeeeeeeeeee")));
        Assert.Null(await ReasonAsync(authenticator, Signed(peer: host, forwardedFor: "[2001:db8::5]:443", nonce: "nonce-ffffffffffffffff")));
        Assert.Null(await ReasonAsync(authenticator, Signed(peer: host, forwardedFor: "198.51.100.1:1000, 203.0.113.8:2000", nonce: "nonce-gggggggggggggggg")));
        Assert.Equal("ip_not_allowed", await ReasonAsync(authenticator, Signed(peer: host, forwardedFor: "203.0.113.8:2000, 198.51.100.1:1000", nonce: "nonce-hhhhhhhhhhhhhhhh")));
        Assert.True(authenticator.IsAllowedAddress(host, "203.0.113.9:80"));
        Assert.False(authenticator.IsAllowedAddress(host, "198.51.100.1"));
    }
}
