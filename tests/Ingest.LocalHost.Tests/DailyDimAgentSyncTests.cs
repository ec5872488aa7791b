using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Storage;
using Ingest.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.LocalHost.Tests;

/// <summary>The daily timer's work, run on the local host's composition (the timer trigger itself needs the Functions host).</summary>
public abstract class DailyDimAgentSyncTests(string sink) : IDisposable
{
    private readonly LocalHostFactory _host = new(LocalHostFactory.On(sink), s => s.AddSingleton<IAgentDirectory>(new FixedDirectory()));

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class FixedDirectory : IAgentDirectory
    {
        public long? RingGroupId => 7;

        public Task<IReadOnlyList<AgentMember>> FetchMembersAsync(CancellationToken cancellationToken)
            => Task.FromResult<IReadOnlyList<AgentMember>>([new AgentMember(301, "Dee", "dee@example.com")]);
    }

    [Fact]
    public async Task SyncsTheRosterFromTheDirectoryAndAuditsTheTimerAsTheActor()
    {
        var function = new DailyDimAgentSyncFunction(_host.Services.GetRequiredService<DimAgentSync>(), NullLogger<DailyDimAgentSyncFunction>.Instance);

        await function.Run(null!, CancellationToken.None);

        var agent = (await _host.RowsAsync("DimAgent")).Single(r => r.GetProperty("IsActive").GetBoolean());
        Assert.Equal(301, agent.GetProperty("AgentID").GetInt64());
        Assert.Equal(7, agent.GetProperty("RingGroupID").GetInt64());
        var audit = await _host.Services.GetRequiredService<IAuditLog>().ListAsync("DimAgent", 1, CancellationToken.None);
        Assert.Equal(DailyDimAgentSyncFunction.Actor, Assert.Single(audit).Actor);
    }
}

public sealed class DailyDimAgentSyncOnPowerBiTests() : DailyDimAgentSyncTests(LocalHostFactory.PowerBi);

public sealed class DailyDimAgentSyncOnEventhouseTests() : DailyDimAgentSyncTests(LocalHostFactory.Eventhouse);
