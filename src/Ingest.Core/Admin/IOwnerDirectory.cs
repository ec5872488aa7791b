namespace Ingest.Core.Admin;

/// <summary>HubSpot owners by id, for naming the owners whose facts are gated; empty where HubSpot is not configured.</summary>
public interface IOwnerDirectory
{
    /// <returns>Owner id → e-mail, as HubSpot holds it.</returns>
    /// <exception cref="HttpRequestException">HubSpot could not be read.</exception>
    Task<IReadOnlyDictionary<long, string>> EmailsAsync(CancellationToken cancellationToken);
}

/// <summary>No HubSpot: no owners to name.</summary>
public sealed class NoOwnerDirectory : IOwnerDirectory
{
    public Task<IReadOnlyDictionary<long, string>> EmailsAsync(CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyDictionary<long, string>>(new Dictionary<long, string>());
}
