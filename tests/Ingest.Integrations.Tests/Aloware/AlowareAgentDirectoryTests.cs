using Ingest.Core.Admin.Dimensions;
using Ingest.Integrations.Aloware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.Integrations.Tests.Aloware;

/// <summary>The DimAgent members from Aloware, through the typed client against a fake over real HTTP.</summary>
[Trait("Category", "Slow")]
public sealed class AlowareAgentDirectoryTests : IAsyncLifetime
{
    private FakeAloware _aloware = null!;

    public async Task InitializeAsync() => _aloware = await FakeAloware.StartAsync();

    public async Task DisposeAsync() => await _aloware.DisposeAsync();

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["Aloware:BaseUrl"] = _aloware.BaseAddress.ToString();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddAloware(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task ConfiguredIdsAreMatchedToAlowaresUsersForNamesAndEmails()
    {
        await using var services = Services(new() { ["Aloware:ApiToken"] = FakeAloware.Token, ["Aloware:MemberIds"] = "101, 205", ["Aloware:RingGroupId"] = "7" });
        var directory = services.GetRequiredService<IAgentDirectory>();

        var members = await directory.FetchMembersAsync(CancellationToken.None);

        Assert.Equal([new AgentMember(101, "Ana Ruiz", "ana@example.com"), new AgentMember(205, "Agent 205", "c@example.com")], members);
        Assert.Equal(7, directory.RingGroupId);
    }

    [Fact]
    public async Task TheMembersUrlTemplateIsFilledAndReadAsIds()
    {
        await using var services = Services(new()
        {
            ["Aloware:ApiToken"] = FakeAloware.Token,
            ["Aloware:RingGroupId"] = "7",
            ["Aloware:MembersUrlTemplate"] = _aloware.BaseAddress + "ring-groups/{ringGroupId}/members?api_token={apiToken}",
        });
        _aloware.Members = [102];

        var members = await services.GetRequiredService<IAgentDirectory>().FetchMembersAsync(CancellationToken.None);

        Assert.Equal(102, Assert.Single(members).Id);
    }

    [Fact]
    public async Task TransientFailuresAreRetried()
    {
        await using var services = Services(new() { ["Aloware:ApiToken"] = FakeAloware.Token, ["Aloware:MemberIds"] = "101" });
        _aloware.FailNext(2);

        var members = await services.GetRequiredService<IAgentDirectory>().FetchMembersAsync(CancellationToken.None);

        Assert.Single(members);
        Assert.Equal(3, _aloware.UserRequests);
    }

    [Fact]
    public async Task AWrongTokenIsAClearFailureWithoutTheToken()
    {
        await using var services = Services(new() { ["Aloware:ApiToken"] = "wrong-token-value", ["Aloware:MemberIds"] = "101" });

        var error = await Assert.ThrowsAsync<AgentDirectoryUnavailableException>(() => services.GetRequiredService<IAgentDirectory>().FetchMembersAsync(CancellationToken.None));

        Assert.False(error.NotConfigured);
        Assert.Contains("401", error.Message);
        Assert.DoesNotContain("wrong-token-value", error.ToString());
    }

    [Fact]
    public async Task AMemberAlowareDoesNotKnowIsNamed()
    {
        await using var services = Services(new() { ["Aloware:ApiToken"] = FakeAloware.Token, ["Aloware:MemberIds"] = "101,999" });

        var error = await Assert.ThrowsAsync<AgentDirectoryUnavailableException>(() => services.GetRequiredService<IAgentDirectory>().FetchMembersAsync(CancellationToken.None));

        Assert.Contains("999", error.Message);
    }

    [Fact]
    public async Task WithoutATokenOnlyPostedMembersWork()
    {
        await using var services = Services(new() { ["Aloware:MemberIds"] = "101" });

        var error = await Assert.ThrowsAsync<AgentDirectoryUnavailableException>(() => services.GetRequiredService<IAgentDirectory>().FetchMembersAsync(CancellationToken.None));

        Assert.True(error.NotConfigured);
        Assert.Equal(0, _aloware.UserRequests);
    }
}
