using Ingest.FaultCampaign;
using Xunit.Abstractions;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>
/// The short run of the fault campaign (bench/Ingest.FaultCampaign): two local host processes over DynamoDB
/// Local, Azurite and the standalone emulator, a seeded schedule of combined faults, checked from outside.
/// The long runs over several seeds are in docs/benchmarks.md.
/// </summary>
[Collection(FaultCampaignDependenciesCollection.Name)]
[Trait("Category", "Slow")]
public sealed class FaultCampaignTests(RealDependencies real, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoHostsUnderASeededScheduleOfFaultsLandEveryAcknowledgedFactOnce()
    {
        using var log = new StringWriter();
        // A 2-minute lease keeps the run short (a killed host's claims lapse sooner) and still outlasts the longest a
        // live worker holds a claim (a third of it waiting, 30 s for a slot, 30 s for the answer); the long runs use the default.
        var options = new CampaignOptions { Hosts = 2, Load = TimeSpan.FromSeconds(90), Drain = TimeSpan.FromMinutes(4), Seed = 3, FactsPerSecond = 6, LeaseDuration = TimeSpan.FromMinutes(2) };

        var report = await new Campaign(options, log).RunAsync(real.Dynamo, real.Azurite);

        output.WriteLine(log.ToString());
        output.WriteLine(report.Describe());
        Assert.True(report.Passed, report.Describe());
        Assert.True(report.Faults.Count >= 4, $"only {report.Faults.Count} faults were injected");
    }
}
