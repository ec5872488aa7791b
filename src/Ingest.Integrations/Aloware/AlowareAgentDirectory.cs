using Ingest.Core.Admin.Dimensions;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Aloware;

/// <summary>The ring group's members: the configured ids (or the members URL's) matched to Aloware's users for names and emails.</summary>
public sealed class AlowareAgentDirectory(AlowareUsersClient client, IOptions<AlowareOptions> options) : IAgentDirectory
{
    public long? RingGroupId => options.Value.RingGroupId;

    public async Task<IReadOnlyList<AgentMember>> FetchMembersAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured)
        {
            throw new AgentDirectoryUnavailableException(
                "Fetching members from Aloware needs Aloware__ApiToken and Aloware__MemberIds or Aloware__MembersUrlTemplate; or post them as \"members\".", notConfigured: true);
        }

        try
        {
            var ids = string.IsNullOrWhiteSpace(options.Value.MemberIds) ? await client.GetMemberIdsAsync(cancellationToken) : options.Value.ParsedMemberIds;
            var users = (await client.GetUsersAsync(cancellationToken)).ToDictionary(u => u.Id);
            var unknown = ids.Where(id => !users.ContainsKey(id)).ToArray();
            if (unknown.Length > 0)
            {
                throw new AgentDirectoryUnavailableException($"Aloware has no user with id {string.Join(", ", unknown)}; fix the members source.", notConfigured: false);
            }

            return ids.Distinct().Select(id => new AgentMember(id, string.IsNullOrWhiteSpace(users[id].Name) ? $"Agent {id}" : users[id].Name, users[id].Email)).ToArray();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new AgentDirectoryUnavailableException($"Could not fetch the members from Aloware: {e.Message}", notConfigured: false, e);
        }
    }
}
