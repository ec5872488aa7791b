using Ingest.Core.Time;

namespace Ingest.Core.Tests.Time;

public class ShiftResolverTests
{
    private static readonly HashSet<DayOfWeek> Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static readonly IReadOnlyList<ShiftRule> Rules =
    [
        new("DAY", "Day", new TimeOnly(8, 0), new TimeOnly(16, 0), Weekdays, 1),
        new("EVE", "Evening", new TimeOnly(16, 0), new TimeOnly(23, 0), Weekdays, 2),
        new("NIGHT", "Night", new TimeOnly(23, 0), new TimeOnly(7, 0), Weekdays, 3),
    ];

    [Theory]
    [InlineData("2026-11-23 08:00", "DAY")] // Monday, the first minute
    [InlineData("2026-11-23 15:59", "DAY")]
    [InlineData("2026-11-23 16:00", "EVE")] // an end is exclusive
    [InlineData("2026-11-23 23:30", "NIGHT")] // Monday night
    [InlineData("2026-11-24 06:59", "NIGHT")] // still Monday's night shift, on Tuesday
    [InlineData("2026-11-24 07:30", "NONE")] // between night and day
    [InlineData("2026-11-28 00:30", "NIGHT")] // Saturday early: Friday's night shift
    [InlineData("2026-11-28 23:30", "NONE")] // Saturday night: no shift starts on Saturday
    [InlineData("2026-11-23 06:30", "NONE")] // Monday early: Sunday had no night shift
    public void AssignsTheShiftThatContainsTheLocalTime(string local, string expected)
    {
        var time = DateTime.ParseExact(local, "yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, ShiftResolver.Resolve(Rules, time));
    }

    [Fact]
    public void NoRulesMeansNoShift()
    {
        Assert.Equal(ShiftResolver.NoShift, ShiftResolver.Resolve([], new DateTime(2026, 11, 23, 9, 0, 0)));
    }

    [Fact]
    public void ShiftsFollowWallClockTimeAcrossTheSpringForwardGap()
    {
        var calendar = BusinessCalendar.ForZoneId("America/New_York");
        IReadOnlyList<ShiftRule> sundayNight = [new("SUN", "Sunday night", new TimeOnly(22, 0), new TimeOnly(6, 0), new HashSet<DayOfWeek> { DayOfWeek.Saturday }, 1)];

        // 2026-03-08 06:59:59Z is 01:59:59 EST and 07:00Z is 03:00 EDT: both inside Saturday's overnight shift.
        Assert.Equal("SUN", ShiftResolver.Resolve(sundayNight, calendar.ToLocal(new DateTime(2026, 3, 8, 6, 59, 59, DateTimeKind.Utc))));
        Assert.Equal("SUN", ShiftResolver.Resolve(sundayNight, calendar.ToLocal(new DateTime(2026, 3, 8, 7, 0, 0, DateTimeKind.Utc))));
        // 11:00Z is 07:00 EDT: after the shift ended at 06:00 local (10:00Z), not at 11:00Z as a fixed offset would say.
        Assert.Equal("NONE", ShiftResolver.Resolve(sundayNight, calendar.ToLocal(new DateTime(2026, 3, 8, 10, 30, 0, DateTimeKind.Utc))));
    }

    [Fact]
    public void RowListsDaysMondayFirst()
    {
        var row = Rules[0].ToRow();

        Assert.Equal("Mon,Tue,Wed,Thu,Fri", row.Days);
        Assert.Equal("08:00", row.StartTime);
        Assert.Equal("16:00", row.EndTime);
    }
}
