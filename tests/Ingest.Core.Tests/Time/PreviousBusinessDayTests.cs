using Ingest.Core.Time;

namespace Ingest.Core.Tests.Time;

public sealed class PreviousBusinessDayTests
{
    [Theory]
    [InlineData("2026-11-24", "2026-11-23", "2026-11-23")] // Tuesday: Monday
    [InlineData("2026-11-23", "2026-11-20", "2026-11-22")] // Monday: Friday to Sunday
    [InlineData("2026-11-22", "2026-11-20", "2026-11-21")] // Sunday: Friday and Saturday
    [InlineData("2026-11-21", "2026-11-20", "2026-11-20")] // Saturday: Friday
    public void TheDailyReconciliationCoversThePreviousBusinessDayThroughYesterday(string today, string from, string to)
        => Assert.Equal((DateOnly.Parse(from), DateOnly.Parse(to)), BusinessCalendar.PreviousBusinessDay(DateOnly.Parse(today)));
}
