using System.Globalization;
using FluentValidation;
using Ingest.Core.Domain;

namespace Ingest.Core.Admin.Dimensions;

/// <summary>Parsing shared by the validators and the services, so what validates is exactly what is applied.</summary>
public static class AdminFormats
{
    /// <summary>The longest text a dimension column takes (the strictest sink's limit).</summary>
    public const int MaxText = 4000;

    public static readonly IReadOnlyDictionary<string, DayOfWeek> Days = new Dictionary<string, DayOfWeek>(StringComparer.OrdinalIgnoreCase)
    {
        ["Mon"] = DayOfWeek.Monday, ["Tue"] = DayOfWeek.Tuesday, ["Wed"] = DayOfWeek.Wednesday, ["Thu"] = DayOfWeek.Thursday,
        ["Fri"] = DayOfWeek.Friday, ["Sat"] = DayOfWeek.Saturday, ["Sun"] = DayOfWeek.Sunday,
    };

    public static bool TryMonth(string? text, out DateOnly month)
        => DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out month);

    public static bool TryDate(string? text, out DateOnly date)
        => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>A date as <see cref="TryDate"/> reads it.</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryTime(string? text, out TimeOnly time)
        => TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    public static bool TryMetric(string? text, out MetricId metric)
        => Enum.TryParse(text, ignoreCase: false, out metric) && Enum.IsDefined(metric) && !int.TryParse(text, out _);
}

public sealed class DimMetricSyncValidator : AbstractValidator<DimMetricSyncRequest>
{
    public DimMetricSyncValidator()
    {
        RuleFor(r => r.Month).Must(m => AdminFormats.TryMonth(m, out _)).WithMessage("Must be a month as yyyy-MM.");
        RuleFor(r => r.Version).GreaterThanOrEqualTo(1);
        RuleFor(r => r.Metrics).NotEmpty().WithMessage("Must list at least one metric.");
        RuleForEach(r => r.Metrics).ChildRules(metric =>
        {
            metric.RuleFor(m => m.MetricId).Must(id => AdminFormats.TryMetric(id, out _))
                .WithMessage($"Must be one of {string.Join(", ", Enum.GetNames<MetricId>())}.");
            metric.RuleFor(m => m.DefaultGoal).Must(g => double.IsFinite(g) && g >= 0).WithMessage("Must be a finite number of at least 0.");
            metric.RuleFor(m => m.DefaultYellowFloorPct).Must(f => double.IsFinite(f) && f > 0 && f <= 1).WithMessage("Must be above 0 and at most 1.");
        });
        RuleFor(r => r.Metrics).Must(metrics => metrics!.Select(m => m.MetricId).Distinct().Count() == metrics!.Count)
            .When(r => r.Metrics is { Count: > 0 }).WithMessage("Each metricId may appear only once.");
    }
}

public sealed class DimMetricRollbackValidator : AbstractValidator<DimMetricRollbackRequest>
{
    public DimMetricRollbackValidator()
    {
        RuleFor(r => r.Month).Must(m => AdminFormats.TryMonth(m, out _)).WithMessage("Must be a month as yyyy-MM.");
        RuleFor(r => r.ToVersion).GreaterThanOrEqualTo(1);
    }
}

public sealed class DimDateSeedValidator : AbstractValidator<DimDateSeedRequest>
{
    public const int MaxYears = 20;

    public DimDateSeedValidator()
    {
        RuleFor(r => r.From).Must(d => AdminFormats.TryDate(d, out _)).When(r => r.From is not null).WithMessage("Must be a date as yyyy-MM-dd.");
        RuleFor(r => r.To).Must(d => AdminFormats.TryDate(d, out _)).When(r => r.To is not null).WithMessage("Must be a date as yyyy-MM-dd.");
        RuleFor(r => r).Custom((request, context) =>
        {
            if (!AdminFormats.TryDate(request.From, out var from) || !AdminFormats.TryDate(request.To, out var to))
            {
                return;
            }

            if (from > to)
            {
                context.AddFailure("to", "Must not be before from.");
            }
            else if (to > from.AddYears(MaxYears))
            {
                context.AddFailure("to", $"The range may span at most {MaxYears} years.");
            }
        });
    }
}

public sealed class DimAgentSyncValidator : AbstractValidator<DimAgentSyncRequest>
{
    public DimAgentSyncValidator()
    {
        RuleFor(r => r.Members).NotEmpty().When(r => r.Members is not null).WithMessage("When present, must list at least one member.");
        RuleForEach(r => r.Members).ChildRules(member =>
        {
            member.RuleFor(m => m.Id).GreaterThan(0);
            member.RuleFor(m => m.Name).NotEmpty().MaximumLength(AdminFormats.MaxText);
            member.RuleFor(m => m.Email).MaximumLength(AdminFormats.MaxText);
        });
        RuleFor(r => r.Members).Must(members => members!.Select(m => m.Id).Distinct().Count() == members!.Count)
            .When(r => r.Members is { Count: > 0 }).WithMessage("Each member id may appear only once.");
    }
}

public sealed class DimShiftSyncValidator : AbstractValidator<DimShiftSyncRequest>
{
    private const int MinutesPerDay = 24 * 60;
    private const int MinutesPerWeek = 7 * MinutesPerDay;

    public DimShiftSyncValidator()
    {
        RuleFor(r => r.Shifts).NotNull().WithMessage("Must list the shifts (an empty list removes them all).");
        RuleForEach(r => r.Shifts).ChildRules(shift =>
        {
            shift.RuleFor(s => s.ShiftId).NotEmpty().MaximumLength(64)
                .Must(id => !string.Equals(id, Time.ShiftResolver.NoShift, StringComparison.OrdinalIgnoreCase))
                .WithMessage($"'{Time.ShiftResolver.NoShift}' is reserved for times outside every shift.");
            shift.RuleFor(s => s.Name).NotEmpty().MaximumLength(AdminFormats.MaxText);
            shift.RuleFor(s => s.Start).Must(t => AdminFormats.TryTime(t, out _)).WithMessage("Must be a time as HH:mm.");
            shift.RuleFor(s => s.End).Must(t => AdminFormats.TryTime(t, out _)).WithMessage("Must be a time as HH:mm.");
            shift.RuleFor(s => s.Days).NotEmpty();
            shift.RuleForEach(s => s.Days).Must(d => d is not null && AdminFormats.Days.ContainsKey(d))
                .WithMessage("Must be one of Mon, Tue, Wed, Thu, Fri, Sat, Sun.");
        });
        RuleFor(r => r.Shifts).Must(shifts => shifts!.Select(s => s.ShiftId).Distinct(StringComparer.OrdinalIgnoreCase).Count() == shifts!.Count)
            .When(r => r.Shifts is { Count: > 0 }).WithMessage("Each shiftId may appear only once.");
        RuleFor(r => r.Shifts).Custom((shifts, context) =>
        {
            if (FirstOverlap(shifts) is { } overlap)
            {
                context.AddFailure("shifts", $"Shifts {overlap.A} and {overlap.B} overlap on {overlap.Day}.");
            }
        });
    }

    /// <summary>The first two shifts whose minutes of the week overlap; shifts with invalid fields are left to their own rules.</summary>
    private static (string A, string B, DayOfWeek Day)? FirstOverlap(IReadOnlyList<ShiftSpec>? shifts)
    {
        var spans = new List<(string Id, int From, int To, DayOfWeek Day)>();
        foreach (var shift in shifts ?? [])
        {
            if (!AdminFormats.TryTime(shift.Start, out var start) || !AdminFormats.TryTime(shift.End, out var end) || shift.Days is null)
            {
                continue;
            }

            var from = start.Hour * 60 + start.Minute;
            var length = ((end.Hour * 60 + end.Minute - from) + MinutesPerDay - 1) % MinutesPerDay + 1; // end ≤ start crosses midnight
            foreach (var day in shift.Days.Where(d => d is not null && AdminFormats.Days.ContainsKey(d)).Select(d => AdminFormats.Days[d]).Distinct())
            {
                var weekStart = ((int)day + 6) % 7 * MinutesPerDay + from; // Monday first
                var weekEnd = weekStart + length;
                spans.Add((shift.ShiftId ?? "", weekStart, Math.Min(weekEnd, MinutesPerWeek), day));
                if (weekEnd > MinutesPerWeek)
                {
                    spans.Add((shift.ShiftId ?? "", 0, weekEnd - MinutesPerWeek, day)); // Sunday night into Monday
                }
            }
        }

        for (var i = 0; i < spans.Count; i++)
        {
            for (var j = i + 1; j < spans.Count; j++)
            {
                if (spans[i].From < spans[j].To && spans[j].From < spans[i].To)
                {
                    return (spans[i].Id, spans[j].Id, spans[i].From >= spans[j].From ? spans[i].Day : spans[j].Day);
                }
            }
        }

        return null;
    }
}
