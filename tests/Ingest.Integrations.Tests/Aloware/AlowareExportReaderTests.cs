using System.Text;
using Ingest.Core.Domain;
using Ingest.Integrations.Aloware;

namespace Ingest.Integrations.Tests.Aloware;

public sealed class AlowareExportReaderTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static ExportRow[] Read(string csv, bool countEmails = true, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        var stream = new MemoryStream(bom ? [.. Encoding.UTF8.Preamble, .. bytes] : bytes);
        return new AlowareExportReader(NewYork, countEmails).Read(stream).ToArray();
    }

    private static ExportCommunication Countable(string line)
        => Assert.Single(Read("Communication ID,Started At,Type,User ID\n" + line)).Communication!;

    [Theory]
    [InlineData("2026-11-24 16:45:07", "2026-11-24T21:45:07")]
    [InlineData("2026-11-24 16:45", "2026-11-24T21:45:00")]
    [InlineData("11/24/2026 4:45:07 PM", "2026-11-24T21:45:07")]
    [InlineData("11/24/2026 4:45 PM", "2026-11-24T21:45:00")]
    [InlineData("11/24/2026 16:45", "2026-11-24T21:45:00")]
    [InlineData("7/4/2026 9:00 AM", "2026-07-04T13:00:00")]
    public void ReadsEveryDocumentedTimeFormatInTheExportsZone(string startedAt, string utc)
        => Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), Countable($"1,{startedAt},call,101").StartedAtUtc);

    [Fact]
    public void ATimeThatHappensTwiceIsTheFirstAndOneThatNeverHappensIsAnError()
    {
        Assert.Equal(new DateTime(2026, 11, 1, 5, 30, 0), Countable("1,2026-11-01 01:30:00,call,101").StartedAtUtc);

        var gap = Assert.Single(Read("Communication ID,Started At,Type,User ID\n1,2026-03-08 02:30:00,call,101"));
        Assert.Equal(ExportRowKind.Error, gap.Kind);
        Assert.Contains("does not exist", gap.Reason);
    }

    [Fact]
    public void MatchesColumnsByNameInAnyOrderIgnoringCaseSpacesUnderscoresAndABom()
    {
        var row = Assert.Single(Read("notes,user_name,STARTED_AT,talk time,communicationid,Disposition Status,type,Direction,duration\n" +
                                     "x, Avery Brooks ,2026-11-24 16:45:00,2:42,42,Completed,SMS,outbound,1:02:03\n", bom: true));

        var c = row.Communication!;
        Assert.Equal((42L, MetricId.TEXTS, null, "Avery Brooks"), (c.Id, c.Metric, c.UserId, c.UserName));
        Assert.Equal(("Outbound", "completed", 3723L, 162L), (c.Direction, c.Disposition, c.DurationSec, c.TalkTimeSec));
        Assert.Equal(2, row.Line);
    }

    [Theory]
    [InlineData("call", "In Progress", null)]
    [InlineData("Call", "in_progress", null)]
    [InlineData("1", "1", null)]
    [InlineData("call", "", MetricId.CALLS)]
    [InlineData("1", "missed", MetricId.CALLS)]
    [InlineData("2", "completed", MetricId.TEXTS)]
    [InlineData("email", "completed", MetricId.EMAILS)]
    [InlineData("5", "", MetricId.EMAILS)]
    [InlineData("call", "Appointment Scheduled", null)]
    [InlineData("1", "10", null)]
    [InlineData("fax", "completed", null)]
    [InlineData("", "completed", null)]
    public void CountsWhatTheWebhookCounts(string type, string disposition, MetricId? metric)
    {
        var row = Assert.Single(Read($"Communication ID,Started At,Type,Disposition Status,User ID\n7,2026-11-24 10:00,{type},{disposition},101"));

        Assert.Equal(metric, row.Communication?.Metric);
        Assert.Equal(metric is null ? ExportRowKind.Ignored : ExportRowKind.Countable, row.Kind);
    }

    [Fact]
    public void EmailsAreIgnoredWhenHubSpotCountsThem()
        => Assert.Equal(ExportRowKind.Ignored, Assert.Single(Read("Communication ID,Started At,Type,User ID\n7,2026-11-24 10:00,email,101", countEmails: false)).Kind);

    [Theory]
    [InlineData("0,2026-11-24 10:00,call,101", "Communication ID")]
    [InlineData("abc,2026-11-24 10:00,call,101", "Communication ID")]
    [InlineData("7,2026-11-31 10:00,call,101", "Started At")]
    [InlineData("7,,call,101", "Started At")]
    [InlineData("7,2026-11-24 10:00,call,-3", "User ID")]
    [InlineData("7,2026-11-24 10:00,call,", "User Name")]
    public void ALineAtFaultIsAnErrorNamingWhatIsWrong(string line, string named)
    {
        var row = Assert.Single(Read("Communication ID,Started At,Type,User ID\n" + line));

        Assert.Equal(ExportRowKind.Error, row.Kind);
        Assert.Contains(named, row.Reason);
    }

    [Fact]
    public void AQuotedLineSpanningTwoLinesCountsAsOneRecordAndLinesAreTheFilesLines()
    {
        var rows = Read("Communication ID,Started At,Type,User ID,Notes\n1,2026-11-24 10:00,call,101,\"two\nlines, and a comma\"\n\n2,2026-11-24 11:00,sms,101,\n3,2026-11-31 11:00,sms,101,\n");

        Assert.Equal([1L, 2L], rows.Where(r => r.Kind == ExportRowKind.Countable).Select(r => r.Communication!.Id));
        Assert.Equal([2, 5, 6], rows.Select(r => r.Line));
    }

    [Theory]
    [InlineData("9999-12-31 23:59:59")]
    [InlineData("1/1/0001 12:00 AM")]
    public void ATimeAtTheCalendarsEndsIsAnErrorNotACrash(string startedAt)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var west = new AlowareExportReader(NewYork, true).Read(new MemoryStream(Encoding.UTF8.GetBytes($"Communication ID,Started At,Type,User ID\n1,{startedAt},call,101"))).Single();
        var east = new AlowareExportReader(zone, true).Read(new MemoryStream(Encoding.UTF8.GetBytes($"Communication ID,Started At,Type,User ID\n1,{startedAt},call,101"))).Single();

        Assert.Contains(ExportRowKind.Error, new[] { west.Kind, east.Kind });
        Assert.All(new[] { west, east }, r => Assert.True(r.Kind is ExportRowKind.Error or ExportRowKind.Countable));
    }

    [Theory]
    [InlineData("Started At,Type\n", "Communication ID")]
    [InlineData("Communication ID,Type\n", "Started At")]
    [InlineData("", "Communication ID")]
    public void AHeaderWithoutARequiredColumnRefusesTheWholeFile(string csv, string column)
        => Assert.Equal(column, Assert.Throws<ExportFormatException>(() => Read(csv)).Column);

    [Theory]
    [InlineData("", null)]
    [InlineData("95", 95L)]
    [InlineData("1:35", 95L)]
    [InlineData("01:01:35", 3695L)]
    public void ReadsDurationsAsSecondsOrClockTimes(string text, long? seconds)
    {
        Assert.True(AlowareExportReader.TrySeconds(text, out var read));
        Assert.Equal(seconds, read);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-4")]
    [InlineData("1:2:3:4")]
    [InlineData("ten")]
    public void RefusesDurationsThatAreNeither(string text) => Assert.False(AlowareExportReader.TrySeconds(text, out _));
}
