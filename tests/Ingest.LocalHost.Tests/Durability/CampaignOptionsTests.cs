using Ingest.FaultCampaign;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>The fault campaign's command line names each run made to break a rule.</summary>
public sealed class CampaignOptionsTests
{
    [Theory]
    [InlineData("slow-sink", CampaignBreak.SlowSink)]
    [InlineData("refusing-host", CampaignBreak.RefusingHost)]
    [InlineData("duplicate", CampaignBreak.Duplicate)]
    public void ABreakIsNamedOnTheCommandLine(string name, CampaignBreak expected)
    {
        var options = CampaignOptions.Parse(["--minutes", "3", "--seed", "21", "--break", name]);

        Assert.Equal(expected, options.Break);
        Assert.Equal((TimeSpan.FromMinutes(3), 21), (options.Load, options.Seed));
    }

    [Fact]
    public void ARunBreaksNothingUnlessAsked()
    {
        Assert.Equal(CampaignBreak.None, CampaignOptions.Parse(["--seed", "13"]).Break);
        Assert.Throws<ArgumentException>(() => CampaignOptions.Parse(["--break", "everything"]));
    }
}
