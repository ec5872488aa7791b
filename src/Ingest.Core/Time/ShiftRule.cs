using Ingest.Core.Domain;

namespace Ingest.Core.Time;

/// <summary>
/// A shift as ops declare it. <see cref="Days"/> are the days the shift starts on; an end at or
/// before its start crosses midnight into the next day.
/// </summary>
public sealed record ShiftRule(
    string ShiftId,
    string Name,
    TimeOnly Start,
    TimeOnly End,
    IReadOnlySet<DayOfWeek> Days,
    int SortOrder)
{
    public bool CrossesMidnight => End <= Start;

    /// <summary>Whether a local wall-clock time falls in this shift.</summary>
    public bool Contains(DateTime local)
    {
        var time = TimeOnly.FromDateTime(local);
        if (!CrossesMidnight)
        {
            return Days.Contains(local.DayOfWeek) && time >= Start && time < End;
        }

        var startedToday = Days.Contains(local.DayOfWeek) && time >= Start;
        var startedYesterday = Days.Contains(local.AddDays(-1).DayOfWeek) && time < End;
        return startedToday || startedYesterday;
    }

    public DimShift ToRow() => new()
    {
        ShiftID = ShiftId,
        Name = Name,
        StartTime = Start.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture),
        EndTime = End.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture),
        Days = string.Join(',', Days.OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString()[..3])),
        SortOrder = SortOrder,
    };
}
