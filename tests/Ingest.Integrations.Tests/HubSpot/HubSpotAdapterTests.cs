using System.Text;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Ingest.Integrations.HubSpot;

namespace Ingest.Integrations.Tests.HubSpot;

public sealed class HubSpotAdapterTests
{
    private static AdapterResult Adapt(string json, bool countEmails = true)
        => new HubSpotAdapter(countEmails).Adapt(new IngestEnvelope("hubspot", "r1", DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes(json)));

    private const string EmailCreated = """{"eventId":11,"subscriptionId":1,"portalId":62515,"occurredAt":1764100000000,"subscriptionType":"object.creation","objectTypeId":"0-49","attemptNumber":0,"objectId":5001,"changeSource":"CRM"}""";
    private const string TicketClosedLegacy = """{"eventId":12,"subscriptionId":2,"portalId":62515,"occurredAt":1764100005000,"subscriptionType":"ticket.propertyChange","attemptNumber":0,"objectId":7001,"propertyName":"hs_pipeline_stage","propertyValue":"4","changeSource":"CRM"}""";
    private const string TicketGenericEventType = """{"eventId":13,"portalId":62515,"occurredAt":1764099990000,"eventType":"object.propertyChange","objectTypeId":"0-5","objectId":7002,"propertyName":"hs_pipeline_stage","propertyValue":"2"}""";

    [Fact]
    public void EmailsCreatedAndTicketStageChangesAreCandidatesInOccurredAtOrder()
    {
        var result = Adapt($"[{EmailCreated},{TicketClosedLegacy},{TicketGenericEventType}]");

        Assert.Equal(AdapterVerdict.Countable, result.Verdict);
        Assert.Empty(result.Events);
        Assert.Equal([7002L, 5001L, 7001L], result.Candidates.Select(c => c.ObjectId));
        Assert.Equal(["ticket", "email", "ticket"], result.Candidates.Select(c => c.Kind));
        Assert.Equal("2", result.Candidates[0].Value);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764100000000).UtcDateTime, result.Candidates[1].OccurredAtUtc);
        Assert.All(result.Candidates, c => Assert.Equal("hubspot", c.Source));
    }

    [Theory]
    [InlineData("""[{"occurredAt":1764100000000,"subscriptionType":"contact.creation","objectId":1}]""")]
    [InlineData("""[{"occurredAt":1764100000000,"subscriptionType":"ticket.propertyChange","objectId":1,"propertyName":"subject","propertyValue":"x"}]""")]
    [InlineData("""[{"occurredAt":1764100000000,"subscriptionType":"object.creation","objectTypeId":"0-5","objectId":1}]""")]
    [InlineData("""[{"occurredAt":1764100000000,"subscriptionType":"object.propertyChange","objectTypeId":"0-49","objectId":1,"propertyName":"hs_pipeline_stage","propertyValue":"4"}]""")]
    [InlineData("""[{"subscriptionType":"object.creation","objectTypeId":"0-49","objectId":1}]""")]
    [InlineData("""[]""")]
    public void EverythingElseIsIgnoredNotRefused(string json)
    {
        var result = Adapt(json);

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.Empty(result.Candidates);
    }

    [Fact]
    public void AnObjectInsteadOfTheArrayIsIgnoredAsUnrecognised()
    {
        var result = Adapt(EmailCreated);

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.True(result.Unrecognised);
    }

    [Fact]
    public void NotJsonIsMalformed() => Assert.Equal(AdapterVerdict.Malformed, Adapt("[{").Verdict);

    [Fact]
    public void WhenAlowareCountsEmailsHubSpotEmailsAreNotCandidates()
    {
        var result = Adapt($"[{EmailCreated},{TicketClosedLegacy}]", countEmails: false);

        Assert.Equal([7001L], result.Candidates.Select(c => c.ObjectId));
    }

    [Fact]
    public void AFullBatchOfOneHundredIsClassifiedWhole()
    {
        var events = Enumerable.Range(1, 100).Select(i => EmailCreated.Replace("\"objectId\":5001", $"\"objectId\":{5000 + i}", StringComparison.Ordinal));

        Assert.Equal(100, Adapt($"[{string.Join(',', events)}]").Candidates.Count);
    }
}
