using System.Globalization;
using Ingest.Core.Domain;

namespace Ingest.Core.Time;

/// <summary>Turns UTC instants into the business time zone's dates, months and calendar rows.</summary>
public sealed class BusinessCalendar(TimeZoneInfo zone)
{
    public TimeZoneInfo Zone { get; } = zone;

    public static BusinessCalendar ForZoneId(string ianaId) => new(TimeZoneInfo.FindSystemTimeZoneById(ianaId));

    /// <summary>True when this machine knows <paramref name="ianaId"/> as a time zone.</summary>
    public static bool IsKnownZone(string ianaId)
    {
        try
        {
            _ = TimeZoneInfo.FindSystemTimeZoneById(ianaId);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return false;
        }
    }

    public DateTime ToLocal(DateTime utc)
        => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    public DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(ToLocal(utc));

    public DateOnly Today(TimeProvider clock) => LocalDate(clock.GetUtcNow().UtcDateTime);

    /// <summary>The last weekday before <paramref name="today"/> through yesterday: on a Monday, Friday to Sunday.</summary>
    public static (DateOnly From, DateOnly To) PreviousBusinessDay(DateOnly today)
    {
        var from = today.AddDays(-1);
        while (from.DayOfWeek is System.DayOfWeek.Saturday or System.DayOfWeek.Sunday)
        {
            from = from.AddDays(-1);
        }

        return (from, today.AddDays(-1));
    }

    /// <summary>The DimDate row of a local date. The same builder serves ensure-dims and the DimDate seed.</summary>
    public static DimDate DateRow(DateOnly date)
    {
        var dayOfWeek = date.DayOfWeek;
        return new DimDate
        {
            DateKey = Keys.DateKey(date),
            Date = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified),
            Year = date.Year,
            Quarter = (date.Month - 1) / 3 + 1,
            Month = date.Month,
            MonthKey = Keys.MonthKey(date.Year, date.Month),
            MonthName = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(date.Month),
            Day = date.Day,
            DayOfWeek = dayOfWeek == System.DayOfWeek.Sunday ? 7 : (int)dayOfWeek,
            DayName = CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(dayOfWeek),
            IsWeekend = dayOfWeek is System.DayOfWeek.Saturday or System.DayOfWeek.Sunday,
            IsoWeek = ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue)),
        };
    }
}
