using System.Text;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Ingest.Integrations.Aloware;
using Ingest.Integrations.HubSpot;
using Ingest.Testing;

namespace Ingest.Integrations.Tests.Aloware;

/// <summary>
/// Any body ends in a verdict: countable, ignored or malformed (2xx or 400 at the webhook), never an exception
/// (a 500). Strings that do not decode read as absent fields, so a countable call with one bad field still counts.
/// </summary>
public sealed class HostileInputTests
{
    private const int FuzzCases = 100_000;

    private static readonly IIngestAdapter[] Adapters = [new AlowareAdapter(), new HubSpotAdapter(countEmails: true)];

    private static AdapterResult Adapt(IIngestAdapter adapter, byte[] body)
        => adapter.Adapt(new IngestEnvelope(adapter.Source, "r1", DateTimeOffset.UtcNow, body));

    [Theory]
    [InlineData("""{"event":"\ud800"}""")]
    [InlineData("""{"event":"OutboundPhoneCall-DispositionCompleted","body":{"id":"\udc00","type":1}}""")]
    [InlineData("""{"event":"x","body":{"created_at":"\ud83d"}}""")]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""[{"subscriptionType":"\ud800","objectId":1,"occurredAt":1764100000000}]""")]
    public void ALoneSurrogateEscapeIsAVerdictNotAnException(string json)
    {
        foreach (var adapter in Adapters)
        {
            Assert.True(Enum.IsDefined(Adapt(adapter, Encoding.UTF8.GetBytes(json)).Verdict));
        }
    }

    [Fact]
    public void InvalidUtf8InsideAStringIsAVerdictNotAnException()
    {
        byte[] body = [.. "{\"event\":\"OutboundPhoneCall\\u00e9"u8, 0xC3, 0x28, 0xFF, .. "\",\"body\":{\"disposition_status\":\"a"u8, 0xFE, .. "\"}}"u8];
        foreach (var adapter in Adapters)
        {
            Assert.True(Enum.IsDefined(Adapt(adapter, body).Verdict));
        }
    }

    [Fact]
    public void ACallWithAnUnreadableEventNameStillCountsOnItsBody()
    {
        var json = Samples.Read("call-2-disposition-completed.json").Replace("\"OutboundPhoneCall-DispositionCompleted\"", "\"\\ud800\"", StringComparison.Ordinal);
        Assert.Contains("\\ud800", json, StringComparison.Ordinal);

        var result = Adapt(Adapters[0], Encoding.UTF8.GetBytes(json));

        Assert.Equal(AdapterVerdict.Countable, result.Verdict);
    }

    /// <summary>
    /// Seeded mutations of every sample (truncation, byte flips, deep nesting, huge numbers, surrogates, NUL, wrong
    /// types, invalid UTF-8): no exception escapes either adapter. A failure names the seed and case to replay.
    /// </summary>
    [Fact]
    public void AHundredThousandMutatedBodiesNeverThrow()
    {
        const int seed = 20261129;
        var random = new Random(seed);
        var seeds = SampleBodies().ToArray();
        var verdicts = new Dictionary<AdapterVerdict, int>();
        for (var i = 0; i < FuzzCases; i++)
        {
            var body = Ingest.Testing.BodyMutator.Mutate(seeds[random.Next(seeds.Length)], random);
            var adapter = Adapters[i % Adapters.Length];
            AdapterResult result;
            try
            {
                result = Adapt(adapter, body);
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} (seed {seed}) threw {e.GetType().Name} in the {adapter.Source} adapter: {e.Message}\nbody: {Convert.ToBase64String(body)}");
                throw;
            }

            verdicts[result.Verdict] = verdicts.GetValueOrDefault(result.Verdict) + 1;
        }

        // The mutations must reach every verdict, or they are not exercising the adapters.
        Assert.All(Enum.GetValues<AdapterVerdict>(), v => Assert.True(verdicts.GetValueOrDefault(v) > 0, $"no case ended {v}"));
    }

    private static IEnumerable<byte[]> SampleBodies()
    {
        foreach (var file in Directory.GetFiles(Samples.Folder, "*.json"))
        {
            yield return File.ReadAllBytes(file);
        }

        yield return """[{"eventId":11,"portalId":62515,"occurredAt":1764100000000,"subscriptionType":"object.creation","objectTypeId":"0-49","objectId":5001},{"eventId":12,"occurredAt":1764100005000,"subscriptionType":"ticket.propertyChange","objectId":7001,"propertyName":"hs_pipeline_stage","propertyValue":"4"}]"""u8.ToArray();
    }
}
