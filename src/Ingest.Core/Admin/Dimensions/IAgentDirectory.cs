namespace Ingest.Core.Admin.Dimensions;

/// <summary>Where the DimAgent sync finds the ring group's members when ops do not post them (Aloware).</summary>
public interface IAgentDirectory
{
    /// <summary>The ring group the members belong to, when known.</summary>
    long? RingGroupId { get; }

    /// <exception cref="AgentDirectoryUnavailableException">Not configured, or Aloware failed.</exception>
    Task<IReadOnlyList<AgentMember>> FetchMembersAsync(CancellationToken cancellationToken);
}

/// <summary>The members could not be fetched; <see cref="NotConfigured"/> means only posting them works.</summary>
public sealed class AgentDirectoryUnavailableException(string message, bool notConfigured, Exception? inner = null) : Exception(message, inner)
{
    public bool NotConfigured { get; } = notConfigured;
}

/// <summary>The default until an Aloware token and members source are configured: members must be posted.</summary>
public sealed class UnconfiguredAgentDirectory : IAgentDirectory
{
    public long? RingGroupId => null;

    public Task<IReadOnlyList<AgentMember>> FetchMembersAsync(CancellationToken cancellationToken)
        => throw new AgentDirectoryUnavailableException(
            "Fetching members from Aloware is not configured (Aloware__ApiToken and a members source); post them as \"members\".", notConfigured: true);
}
