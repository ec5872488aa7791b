using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Embedded;
using Ingest.Core.Time;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Core.Tests.Admin;

public class DimDateSeedRangeTests
{
    private static DimDateSeed Seed(DateTimeOffset now)
        => new(new InMemoryDimRegistry(), BusinessCalendar.ForZoneId("America/New_York"), new FakeTimeProvider(now), null!, null!, Microsoft.Extensions.Options.Options.Create(new Configuration.LedgerOptions()));

    [Fact]
    public void TheDefaultYearsAreTheBusinessZonesNotUtcs()
    {
        // 03:00 UTC on New Year's Day is still Dec 31 in New York.
        var (from, to) = Seed(new DateTimeOffset(2027, 1, 1, 3, 0, 0, TimeSpan.Zero)).Range(new DimDateSeedRequest(null, null));

        Assert.Equal(new DateOnly(2025, 1, 1), from);
        Assert.Equal(new DateOnly(2027, 12, 31), to);
    }

    [Fact]
    public void APostedRangeWins()
    {
        var (from, to) = Seed(DateTimeOffset.UtcNow).Range(new DimDateSeedRequest("2026-03-01", null));

        Assert.Equal(new DateOnly(2026, 3, 1), from);
        Assert.Equal(DateTime.UtcNow.Year + 1, to.Year);
    }
}
