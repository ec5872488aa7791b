using Ingest.Core.Storage;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.LocalHost.Tests;

/// <summary>The seams the core calls resolve to the one Power BI instance that owns each concern.</summary>
public sealed class CompositionTests
{
    [Fact]
    public void TheRedriveAsksTheWritersOwnCircuitWhetherTheSinkRefuses()
    {
        using var host = new LocalHostFactory();

        Assert.Same(host.Services.GetRequiredService<PowerBiCircuit>(), host.Services.GetRequiredService<ISinkAvailability>());
        Assert.Same(host.Services.GetRequiredService<PowerBiTables>(), host.Services.GetRequiredService<ISinkTables>());
        Assert.Same(host.Services.GetRequiredService<CoalescingFactWriter>(), host.Services.GetRequiredService<IFactSink>());
    }
}
