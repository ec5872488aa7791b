using System.Text;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Ingest.Integrations.Aloware;
using Ingest.Testing;

namespace Ingest.Integrations.Tests.Aloware;

public class AlowareAdapterTests
{
    private static readonly DateTimeOffset Received = new(2026, 11, 26, 20, 0, 0, TimeSpan.Zero);
    private readonly AlowareAdapter _adapter = new();

    private AdapterResult Adapt(string json) => _adapter.Adapt(new IngestEnvelope("aloware", "req-1", Received, Encoding.UTF8.GetBytes(json)));

    private static CountableEvent Single(AdapterResult result)
    {
        Assert.Equal(AdapterVerdict.Countable, result.Verdict);
        return Assert.Single(result.Events);
    }

    [Fact]
    public void CountsCompletedOutboundCallForItsUser()
    {
        var e = Single(Adapt(Samples.Read("call-2-disposition-completed.json")));

        Assert.Equal(MetricId.CALLS, e.Metric);
        Assert.Equal(88001234, e.CommunicationId);
        Assert.Equal(101, e.AgentId);
        Assert.Equal("Outbound", e.Direction);
        Assert.Equal("completed", e.Disposition);
        Assert.Equal(new DateTime(2026, 11, 26, 14, 3, 11, DateTimeKind.Utc), e.OccurredAtUtc);
        Assert.Equal(187, e.DurationSec);
        Assert.Equal(162, e.TalkTimeSec);
    }

    [Theory]
    [InlineData("call-1-initiation.json", "not ended")]
    [InlineData("call-5-transcription-summarized.json", "transcription")]
    [InlineData("call-6-transcription-saved.json", "transcription")]
    [InlineData("test-payload.json", "Save & Test")]
    public void IgnoresWhatIsNotAFinalCommunication(string sample, string reason)
    {
        var result = Adapt(Samples.Read(sample));

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.Contains(reason, result.Reason);
        Assert.Empty(result.Events);
        Assert.False(result.Unrecognised); // an expected event: logged at Debug, not as a new shape at Warning
    }

    [Theory]
    [InlineData("OutboundPhoneCall", 1, 2, 1, null)]
    [InlineData("InboundPhoneCall", 1, 1, 1, null)]
    [InlineData("OutboundPhoneCall-DispositionCompleted", 1, 2, 4, MetricId.CALLS)]
    [InlineData("OutboundPhoneCall-DispositionFailed", 1, 2, 5, MetricId.CALLS)]
    [InlineData("InboundPhoneCall-DispositionCompleted", 1, 1, 4, MetricId.CALLS)]
    [InlineData("InboundPhoneCall-DispositionMissed", 1, 1, 3, MetricId.CALLS)]
    [InlineData("InboundSMS-DispositionCompleted", 2, 1, 4, MetricId.TEXTS)]
    [InlineData("OutboundSMS-DispositionInvalid", 2, 2, 7, MetricId.TEXTS)]
    [InlineData("Call-Disposed", 1, 2, 4, MetricId.CALLS)]
    [InlineData("Recording-Saved", 1, 2, 1, null)]
    [InlineData("Recording-Saved", 1, 2, 4, MetricId.CALLS)] // the body says a call ended: the name is only a hint
    [InlineData("transcription.call.summarized", 1, 2, 4, MetricId.CALLS)]
    [InlineData("transcription.open_search.saved", 1, 2, 4, MetricId.CALLS)]
    [InlineData("OutboundAppointment", 12, 2, 9, null)]
    public void ClassifiesEveryEventNameSeenFromAloware(string name, int type, int direction, int disposition, MetricId? expected)
    {
        var result = Adapt("{\"event\":\"" + name + "\",\"body\":{\"id\":31,\"user_id\":8,\"type\":" + type + ",\"direction\":" + direction + ",\"disposition_status2\":" + disposition + "}}");

        Assert.Equal(expected, result.Verdict == AdapterVerdict.Countable ? Assert.Single(result.Events).Metric : null);
    }

    [Fact]
    public void ARecordingEventCarryingAFinalDispositionCountsItsCallUnderTheSameKey()
    {
        // A relay labelled the disposition "Recording-Saved": dropping it on the name would lose the call.
        var recording = Single(Adapt(Samples.Read("call-3-recording-saved.json")));
        var disposition = Single(Adapt(Samples.Read("call-2-disposition-completed.json")));

        Assert.Equal(Keys.EventKey(disposition.Source, disposition.Metric, disposition.CommunicationId), Keys.EventKey(recording.Source, recording.Metric, recording.CommunicationId));
    }

    [Fact]
    public void TranscriptionCarriesTheCallIdFromItsCommunication()
    {
        var result = Adapt(Samples.Read("call-5-transcription-summarized.json"));

        Assert.Equal(88001234, result.CommunicationId);
    }

    [Fact]
    public void CallDisposedRepeatMapsToTheSameCommunicationAsTheDisposition()
    {
        var first = Single(Adapt(Samples.Read("call-2-disposition-completed.json")));
        var repeat = Single(Adapt(Samples.Read("call-4-call-disposed.json")));

        Assert.Equal(Keys.EventKey(first.Source, first.Metric, first.CommunicationId), Keys.EventKey(repeat.Source, repeat.Metric, repeat.CommunicationId));
    }

    [Theory]
    [InlineData("sms-inbound-completed.json", 88001301, 102, "Inbound")]
    [InlineData("sms-documented-sample-strings.json", 88001302, 103, "Outbound")]
    public void CountsAnSmsAsOneText(string sample, long id, long agent, string direction)
    {
        var e = Single(Adapt(Samples.Read(sample)));

        Assert.Equal(MetricId.TEXTS, e.Metric);
        Assert.Equal(id, e.CommunicationId);
        Assert.Equal(agent, e.AgentId);
        Assert.Equal(direction, e.Direction);
    }

    [Fact]
    public void ClassifiesTheZapierShapeOnItsTypeNotItsLyingEventName()
    {
        var e = Single(Adapt(Samples.Read("zapier-call-labelled-sms.json")));

        Assert.Equal(MetricId.CALLS, e.Metric);
        Assert.Equal(88001410, e.CommunicationId);
        Assert.Equal(104, e.AgentId);
        Assert.Equal("completed", e.Disposition);
        Assert.Equal(new DateTime(2026, 11, 26, 17, 10, 33, DateTimeKind.Utc), e.OccurredAtUtc);
    }

    [Fact]
    public void CountsAnEmailAsOneEmailsFact()
    {
        var e = Single(Adapt("""{"event":"OutboundEmail-DispositionCompleted","body":{"id":9,"type":5,"direction":2,"user_id":7,"created_at":"2026-01-02 03:04:05"}}"""));

        Assert.Equal(MetricId.EMAILS, e.Metric);
    }

    [Fact]
    public void WhenHubSpotCountsEmailsAnAlowareEmailIsIgnored()
    {
        var result = new AlowareAdapter(countEmails: false).Adapt(new IngestEnvelope("aloware", "r", DateTimeOffset.UtcNow,
            System.Text.Encoding.UTF8.GetBytes("""{"event":"OutboundEmail-DispositionCompleted","body":{"id":9,"type":5,"direction":2,"user_id":7}}""")));

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.Contains("HubSpot", result.Reason);
    }

    [Theory]
    [InlineData(3, "conference")]
    [InlineData(4, "ringless voicemail")]
    [InlineData(10, "note")]
    [InlineData(11, "system note")]
    [InlineData(12, "appointment")]
    public void IgnoresTypesThatAreNotCounted(int type, string what)
    {
        var result = Adapt("{\"event\":\"Something\",\"body\":{\"id\":9,\"direction\":2,\"user_id\":7,\"disposition_status2\":4,\"type\":" + type + "}}");

        Assert.True(result.Verdict == AdapterVerdict.Ignored, what);
        Assert.Contains($"type {type}", result.Reason);
    }

    [Fact]
    public void IgnoresAnAppointmentByItsName()
    {
        var result = Adapt("""{"event":"OutboundAppointment","body":{"id":9,"type":12,"user_id":7}}""");

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
    }

    [Theory]
    [InlineData("""{"id":"41","type":"1","direction":"1","user_id":"5","disposition_status2":"3"}""", "missed", "Inbound")]
    [InlineData("""{"id":41,"type":1,"direction":1,"user_id":5,"disposition_status":"missed"}""", "missed", "Inbound")]
    [InlineData("""{"id":41.0,"type":1,"direction":2,"user_id":5,"disposition_status":"Failed"}""", "failed", "Outbound")]
    [InlineData("""{"id":" 41 ","type":1,"direction":2,"user_id":5,"disposition_status2":12}""", "voicemail", "Outbound")]
    public void AcceptsNumbersAndStringsAlike(string body, string disposition, string direction)
    {
        var e = Single(Adapt("{\"event\":\"InboundPhoneCall-DispositionMissed\",\"body\":" + body + "}"));

        Assert.Equal(41, e.CommunicationId);
        Assert.Equal(5, e.AgentId);
        Assert.Equal(disposition, e.Disposition);
        Assert.Equal(direction, e.Direction);
    }

    [Fact]
    public void AnUnknownEventNameWithARecognisableBodyIsClassifiedByItsBody()
    {
        var e = Single(Adapt("""{"event":"SomethingNew-2027","body":{"id":5,"type":2,"direction":2,"user_id":9}}"""));

        Assert.Equal(MetricId.TEXTS, e.Metric);
    }

    [Fact]
    public void ACallWithoutDispositionCountsOnADispositionEventOnly()
    {
        Assert.Equal(AdapterVerdict.Countable, Adapt("""{"event":"OutboundPhoneCall-DispositionCompleted","body":{"id":5,"type":1,"user_id":9}}""").Verdict);
        Assert.Equal(AdapterVerdict.Ignored, Adapt("""{"event":"OutboundPhoneCall","body":{"id":5,"type":1,"user_id":9}}""").Verdict);
    }

    [Fact]
    public void FallsBackToTheOwnerWhenTheUserIsMissing()
    {
        Assert.Equal(33, Single(Adapt("""{"event":"InboundSMS-DispositionCompleted","body":{"id":5,"type":2,"user_id":null,"owner_id":33}}""")).AgentId);
    }

    [Fact]
    public void IgnoresACompanyOwnedCommunicationWithNoAgent()
    {
        var result = Adapt("""{"event":"InboundSMS-DispositionCompleted","body":{"id":5,"type":2,"owner_id":-1}}""");

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.Contains("no agent", result.Reason);
    }

    [Fact]
    public void UsesTheReceivedTimeWhenCreatedAtIsMissingOrUnreadable()
    {
        Assert.Equal(Received.UtcDateTime, Single(Adapt("""{"event":"x","body":{"id":5,"type":2,"user_id":9,"created_at":"yesterday"}}""")).OccurredAtUtc);
        Assert.Equal(Received.UtcDateTime, Single(Adapt("""{"event":"x","body":{"id":5,"type":2,"user_id":9}}""")).OccurredAtUtc);
    }

    [Fact]
    public void ReadsIsoTimestampsAsUtc()
    {
        Assert.Equal(new DateTime(2026, 3, 8, 7, 0, 0, DateTimeKind.Utc),
            Single(Adapt("""{"event":"x","body":{"id":5,"type":2,"user_id":9,"created_at":"2026-03-08T02:00:00-05:00"}}""")).OccurredAtUtc);
    }

    [Theory]
    [InlineData("""{"event":"x","body":{"id":{"nested":1},"type":2,"user_id":9}}""")]
    [InlineData("""{"event":"x","body":{"id":[1],"type":2,"user_id":9}}""")]
    [InlineData("""{"event":"x","body":{"id":true,"type":2,"user_id":9}}""")]
    [InlineData("""{"event":"x","body":{"id":-4,"type":2,"user_id":9}}""")]
    public void AWrongTypedIdIsTreatedAsMissing(string json)
    {
        var result = Adapt(json);

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.Contains("no communication id", result.Reason);
    }

    [Fact]
    public void AHugeStringValueIsRefusedAsAValueNotAsARequest()
    {
        var huge = new string('9', 100_000);
        var result = Adapt("{\"event\":\"" + new string('E', 5000) + "\",\"body\":{\"id\":\"" + huge + "\",\"type\":2,\"user_id\":9,\"notes\":\"" + huge + "\"}}");

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.Equal("(too long)", result.EventName);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"event\":")]
    [InlineData("{} {}")]
    [InlineData("")]
    [InlineData("{\"a\":1,}")]
    public void ReportsMalformedJson(string body)
    {
        Assert.Equal(AdapterVerdict.Malformed, Adapt(body).Verdict);
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("[{\"event\":\"OutboundPhoneCall-DispositionCompleted\"}]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void IgnoresJsonThatIsNotAnObjectAsUnrecognised(string body)
    {
        var result = Adapt(body);

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.True(result.Unrecognised);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"hello":"world"}""")]
    [InlineData("""{"event":"OutboundPhoneCall-DispositionCompleted","body":{}}""")]
    [InlineData("""{"event":"OutboundPhoneCall-DispositionCompleted","body":null}""")]
    public void IgnoresAnUnrecognisableObjectWithAWarning(string body)
    {
        var result = Adapt(body);

        Assert.Equal(AdapterVerdict.Ignored, result.Verdict);
        Assert.True(result.Unrecognised);
    }

    [Fact]
    public void BodyFieldsWinOverTopLevelOnes()
    {
        var e = Single(Adapt("""{"event":"x","id":1,"user_id":2,"body":{"id":50,"type":2,"user_id":60}}"""));

        Assert.Equal(50, e.CommunicationId);
        Assert.Equal(60, e.AgentId);
    }

    [Fact]
    public void ReadsEscapedPropertyNames()
    {
        var e = Single(Adapt("""{"event":"x","body":{"\u0069d":77,"type":2,"user\u005fid":9}}"""));

        Assert.Equal(77, e.CommunicationId);
        Assert.Equal(9, e.AgentId);
    }
}
