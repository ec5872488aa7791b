using Ingest.Core.Admin.Dimensions;

namespace Ingest.Core.Tests.Admin;

public class AdminValidatorTests
{
    private static string[] Fields<T>(FluentValidation.AbstractValidator<T> validator, T request)
        => validator.Validate(request).Errors.Select(e => e.PropertyName).Distinct().Order().ToArray();

    private static ShiftSpec Shift(string id, string start, string end, params string[] days) => new(id, id, start, end, days);

    [Fact]
    public void AValidMonthOfGoalsPasses()
        => Assert.Empty(Fields(new DimMetricSyncValidator(), new DimMetricSyncRequest("2026-12", 3, [new("CALLS", 1200, 0.8), new("TEXTS", 0, 1)])));

    [Theory]
    [InlineData("2026-1")]
    [InlineData("26-12")]
    [InlineData("2026-12-01")]
    [InlineData(null)]
    public void AMonthNotAsYyyyMmIsRefused(string? month)
        => Assert.Equal(["Month"], Fields(new DimMetricSyncValidator(), new DimMetricSyncRequest(month, 1, [new("CALLS", 1, 0.5)])));

    [Fact]
    public void MetricsMustBeKnownUniqueFiniteAndWithAFloorInZeroToOne()
    {
        var request = new DimMetricSyncRequest("2026-12", 1, [new("calls", 1, 0.5), new("CALLS", double.PositiveInfinity, 1.5), new("CALLS", 1, 0.5), new("1", 1, 0.5)]);

        Assert.Equal(["Metrics", "Metrics[0].MetricId", "Metrics[1].DefaultGoal", "Metrics[1].DefaultYellowFloorPct", "Metrics[3].MetricId"], Fields(new DimMetricSyncValidator(), request));
    }

    [Fact]
    public void NoMetricsIsRefused()
        => Assert.Equal(["Metrics"], Fields(new DimMetricSyncValidator(), new DimMetricSyncRequest("2026-12", 1, [])));

    [Fact]
    public void AShiftCrossingMidnightMayEndWhereTheNextDaysShiftStarts()
        => Assert.Empty(Fields(new DimShiftSyncValidator(), new DimShiftSyncRequest([Shift("NIGHT", "22:00", "06:00", "Mon", "Tue"), Shift("DAY", "06:00", "22:00", "Mon", "Tue", "Wed")])));

    [Fact]
    public void ASundayNightShiftOverlapsAMondayMorningOne()
        => Assert.Equal(["shifts"], Fields(new DimShiftSyncValidator(), new DimShiftSyncRequest([Shift("SUN", "20:00", "02:00", "Sun"), Shift("MON", "01:00", "09:00", "Mon")])));

    [Fact]
    public void ShiftsOnDifferentDaysDoNotOverlap()
        => Assert.Empty(Fields(new DimShiftSyncValidator(), new DimShiftSyncRequest([Shift("A", "08:00", "16:00", "Mon"), Shift("B", "08:00", "16:00", "Tue")])));

    [Fact]
    public void ShiftFieldsAreCheckedOneByOne()
    {
        var request = new DimShiftSyncRequest([Shift("A", "8:00", "24:00", "Monday"), Shift("a", "09:00", "10:00"), Shift("NONE", "09:00", "10:00", "Sat")]);

        Assert.Equal(["Shifts", "Shifts[0].Days[0]", "Shifts[0].End", "Shifts[0].Start", "Shifts[1].Days", "Shifts[2].ShiftId"], Fields(new DimShiftSyncValidator(), request));
    }

    [Theory]
    [InlineData("2026-01-01", "2025-12-31", "to")]
    [InlineData("2000-01-01", "2020-01-02", "to")]
    [InlineData("2026-02-30", null, "From")]
    public void ADateRangeMustBeOrderedAndAtMostTwentyYears(string from, string? to, string field)
        => Assert.Equal([field], Fields(new DimDateSeedValidator(), new DimDateSeedRequest(from, to)));

    [Fact]
    public void TwentyYearsExactlyIsAllowed()
        => Assert.Empty(Fields(new DimDateSeedValidator(), new DimDateSeedRequest("2000-01-01", "2020-01-01")));

    [Fact]
    public void MembersNeedPositiveUniqueIdsAndNamesWithinPowerBisLimit()
    {
        var request = new DimAgentSyncRequest([new(0, "A", null), new(5, " ", null), new(5, new string('x', 4001), null)]);

        Assert.Equal(["Members", "Members[0].Id", "Members[1].Name", "Members[2].Name"], Fields(new DimAgentSyncValidator(), request));
    }

    [Fact]
    public void AbsentMembersMeanFetchFromAloware()
        => Assert.Empty(Fields(new DimAgentSyncValidator(), new DimAgentSyncRequest(null)));
}
