using Ingest.Core.Domain;
using Ingest.Core.Time;

namespace Ingest.Core.Tests.Time;

public class BusinessCalendarTests
{
    private readonly BusinessCalendar _newYork = BusinessCalendar.ForZoneId("America/New_York");

    [Theory]
    [InlineData("2026-07-01T03:59:59Z", 20260630)] // 23:59:59 EDT, still June
    [InlineData("2026-07-01T04:00:00Z", 20260701)]
    [InlineData("2026-01-01T04:59:59Z", 20251231)] // 23:59:59 EST on New Year's Eve
    [InlineData("2026-01-01T05:00:00Z", 20260101)]
    [InlineData("2026-03-08T06:59:59Z", 20260308)] // 01:59:59 EST, the last second before spring forward
    [InlineData("2026-03-08T07:00:00Z", 20260308)] // 03:00 EDT
    [InlineData("2026-03-09T03:59:59Z", 20260308)] // 23:59:59 EDT on the short day
    [InlineData("2026-11-01T05:30:00Z", 20261101)] // 01:30 EDT, first pass
    [InlineData("2026-11-01T06:30:00Z", 20261101)] // 01:30 EST, second pass
    [InlineData("2026-11-02T04:59:59Z", 20261101)] // 23:59:59 EST on the long day
    public void DateKeyIsTheBusinessZonesLocalDate(string utc, int expected)
    {
        var instant = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime;

        Assert.Equal(expected, Keys.DateKey(_newYork.LocalDate(instant)));
    }

    [Fact]
    public void BothPassesOfTheRepeatedHourAreOneHourApartInUtcButTheSameLocalTime()
    {
        var first = _newYork.ToLocal(new DateTime(2026, 11, 1, 5, 30, 0, DateTimeKind.Utc));
        var second = _newYork.ToLocal(new DateTime(2026, 11, 1, 6, 30, 0, DateTimeKind.Utc));

        Assert.Equal(first, second);
        Assert.Equal(new DateTime(2026, 11, 1, 1, 30, 0), first);
    }

    [Fact]
    public void DateRowDescribesTheDay()
    {
        var row = BusinessCalendar.DateRow(new DateOnly(2027, 1, 3));

        Assert.Equal(20270103, row.DateKey);
        Assert.Equal(2027, row.Year);
        Assert.Equal(1, row.Quarter);
        Assert.Equal(202701, row.MonthKey);
        Assert.Equal("January", row.MonthName);
        Assert.Equal(7, row.DayOfWeek);
        Assert.Equal("Sunday", row.DayName);
        Assert.True(row.IsWeekend);
        Assert.Equal(53, row.IsoWeek); // 3 Jan 2027 belongs to ISO week 53 of 2026
    }
}
