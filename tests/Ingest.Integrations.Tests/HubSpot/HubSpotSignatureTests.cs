using System.Text;
using Ingest.Integrations.HubSpot;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Integrations.Tests.HubSpot;

/// <summary>HUBSPOT.md's check vectors, then everything a forger or a proxy could change.</summary>
public sealed class HubSpotSignatureTests
{
    private const string Secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private const string Url = "https://www.example.com/webhook_uri";
    private const string Body = """[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]""";
    private const string Timestamp = "1564113600000";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1564113600000).AddSeconds(30));

    private HubSpotSignature Verifier(string url = Url, bool legacy = false)
        => new(Options.Create(new HubSpotOptions { ClientSecret = Secret, WebhookUrl = url, AccessToken = "t", AllowLegacySignatures = legacy }), _clock);

    private static byte[] Bytes(string body) => Encoding.UTF8.GetBytes(body);

    private static string V3(string method, string url, string body, string timestamp) => Convert.ToBase64String(HubSpotSignature.V3(Secret, method, url, Bytes(body), timestamp));

    [Fact]
    public void TheThreePublishedVectorsHold()
    {
        Assert.Equal("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", HubSpotSignature.V1(Secret, Bytes(Body)));
        Assert.Equal("eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e", HubSpotSignature.V2(Secret, "GET", Url, []));
        Assert.Equal("DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=", V3("POST", Url, Body, Timestamp));
    }

    [Fact]
    public void AValidV3DeliveryIsAccepted()
        => Assert.Null(Verifier().Check("POST", new("DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=", Timestamp, null, null), Bytes(Body)));

    [Theory]
    [InlineData("body")]
    [InlineData("method")]
    [InlineData("timestamp")]
    [InlineData("signature")]
    public void AnythingTamperedIsRefused(string what)
    {
        var body = what == "body" ? Body.Replace("123", "124", StringComparison.Ordinal) : Body;
        var method = what == "method" ? "PUT" : "POST";
        var signature = what == "signature" ? "DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvx=" : "DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=";
        var timestamp = what == "timestamp" ? "1564113600001" : Timestamp;

        Assert.Equal("bad_signature", Verifier().Check(method, new(signature, timestamp, null, null), Bytes(body)));
    }

    [Fact]
    public void ASignatureOverAnotherUrlIsRefused()
        => Assert.Equal("bad_signature", Verifier("https://proxy.internal/api/webhook/hubspot").Check("POST", new("DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=", Timestamp, null, null), Bytes(Body)));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void StaleAndFutureTimestampsAreRefused(int secondsAway)
    {
        var timestamp = _clock.GetUtcNow().AddSeconds(-secondsAway).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal("stale_timestamp", Verifier().Check("POST", new(V3("POST", Url, Body, timestamp), timestamp, null, null), Bytes(Body)));
    }

    [Fact]
    public void MissingHeadersAreRefused()
    {
        Assert.Equal("missing_signature", Verifier().Check("POST", new(null, Timestamp, null, null), Bytes(Body)));
        Assert.Equal("missing_timestamp", Verifier().Check("POST", new("DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=", null, null, null), Bytes(Body)));
    }

    [Fact]
    public void EscapesInTheUrlAreAcceptedDecodedAsTheDocsSignOrRawAsTheSdksDo()
    {
        const string configured = "https://app.example.com/api/webhook/hubspot?portal%3A62515%2Cprod";
        const string decoded = "https://app.example.com/api/webhook/hubspot?portal:62515,prod";
        var verifier = Verifier(configured);

        Assert.Equal(decoded, HubSpotSignature.DecodeUrl(configured));
        Assert.Equal(decoded, HubSpotSignature.DecodeUrl("https://app.example.com/api/webhook/hubspot?portal%3a62515%2cprod"));
        Assert.Null(verifier.Check("POST", new(V3("POST", decoded, Body, Timestamp), Timestamp, null, null), Bytes(Body)));
        Assert.Null(verifier.Check("POST", new(V3("POST", configured, Body, Timestamp), Timestamp, null, null), Bytes(Body)));
        Assert.Equal("https://x.test/a%20b", HubSpotSignature.DecodeUrl("https://x.test/a%20b")); // not in the table: left alone
    }

    [Fact]
    public void LegacySignaturesCountOnlyWhereConfigured()
    {
        var v1 = new HubSpotSignatureHeaders(null, null, "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", "v1");
        var v2 = new HubSpotSignatureHeaders(null, null, HubSpotSignature.V2(Secret, "POST", Url, Bytes(Body)), "v2");

        Assert.Equal("legacy_signature_refused", Verifier().Check("POST", v1, Bytes(Body)));
        Assert.Null(Verifier(legacy: true).Check("POST", v1, Bytes(Body)));
        Assert.Null(Verifier(legacy: true).Check("POST", v2, Bytes(Body)));
        Assert.Equal("bad_signature", Verifier(legacy: true).Check("POST", v1, Bytes(Body + " ")));
        Assert.Equal("unknown_signature_version", Verifier(legacy: true).Check("POST", v1 with { SignatureVersion = "v9" }, Bytes(Body)));
    }
}
