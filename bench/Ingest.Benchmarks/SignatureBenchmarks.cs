using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ingest.Core.Admin;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;

namespace Ingest.Benchmarks;

/// <summary>
/// The admin signature check on a 2 KB body with two secrets configured (a rotation in progress, the request signed
/// by the second), beside a bare HMAC-SHA256 of the same bytes. The nonce store always accepts, so this measures
/// the check itself, not a DynamoDB round trip.
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const string Path = "/api/admin/dimmetric/sync";
    private static readonly string OldSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private static readonly string NewSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly byte[] _key = Encoding.UTF8.GetBytes(NewSecret);
    private AdminAuthenticator _authenticator = null!;
    private AdminRequest _request = null!;
    private byte[] _signed = [];

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new AdminOptions { HmacSecret = OldSecret + "," + NewSecret });
        _authenticator = new AdminAuthenticator(options, new AcceptingNonces(), TimeProvider.System);
        var body = Encoding.UTF8.GetBytes("{\"month\":\"2026-12\",\"version\":3,\"metrics\":[" + string.Join(',', Enumerable.Repeat("{\"metricId\":\"CALLS\",\"defaultGoal\":1200,\"defaultYellowFloorPct\":0.8}", 30)) + "]}");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        const string nonce = "0123456789abcdef0123456789abcdef";
        var signature = AdminAuthenticator.Sign(NewSecret, timestamp, nonce, "POST", Path, body);
        _request = new AdminRequest("POST", Path, timestamp, nonce, signature, null, IPAddress.Loopback, null, body);
        _signed = [.. Encoding.UTF8.GetBytes($"{timestamp}.{nonce}.POST.{Path}."), .. body];
    }

    [Benchmark(Baseline = true)]
    public byte[] HmacSha256OfTheSameBytes() => HMACSHA256.HashData(_key, _signed);

    [Benchmark]
    public bool AdminSignatureCheck() => _authenticator.AuthenticateAsync(_request, CancellationToken.None).GetAwaiter().GetResult().Succeeded;

    private sealed class AcceptingNonces : INonceStore
    {
        public Task<bool> TryUseAsync(string nonce, TimeSpan lifetime, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
