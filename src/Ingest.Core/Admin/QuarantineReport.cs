using System.Text.Json.Serialization;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Ingest.Core.Admin;

/// <summary>
/// Who the roster lacks: the quarantined facts per agent (Aloware users and matched HubSpot owners), with the first
/// and last time such a communication happened, and the HubSpot owners no agent matches, by owner e-mail.
/// </summary>
public sealed class QuarantineReport(IQuarantineStore quarantine, IOwnerDirectory owners, AdminRun run, ILogger<QuarantineReport> logger)
{
    public const string AuditTable = "quarantine";

    public Task<QuarantineListing> ListAsync(string actor, byte[] payload, CancellationToken cancellationToken)
        => run.ExecuteAsync(AuditTable, actor, payload, keepPayload: true, () => BuildAsync(cancellationToken),
            l => $"listed: {l.Agents.Count} agent(s), {l.Owners.Count} owner(s)", cancellationToken);

    private async Task<QuarantineListing> BuildAsync(CancellationToken cancellationToken)
    {
        var facts = await quarantine.ReadAllAsync(cancellationToken);
        var agents = facts.Where(f => f.AgentID > 0).GroupBy(f => f.AgentID).OrderBy(g => g.Key)
            .Select(g => new QuarantinedAgent(g.Key, g.Count(), g.Min(f => f.OccurredAtUtc), g.Max(f => f.OccurredAtUtc)))
            .ToArray();

        // The HubSpot enricher gives an owner no agent matches the agent id -ownerId, and a fact with no owner -1.
        var byOwner = facts.Where(f => f.AgentID <= 0).GroupBy(f => f.AgentID == -1 ? (long?)null : -f.AgentID).ToArray();
        var emails = byOwner.Length == 0 ? new Dictionary<long, string>() : await OwnerEmailsAsync(cancellationToken);
        var unmatched = byOwner.OrderBy(g => g.Key ?? long.MaxValue)
            .Select(g => new QuarantinedOwner(g.Key is { } id ? emails.GetValueOrDefault(id) : null, g.Key, g.Count()))
            .ToArray();
        return new QuarantineListing(agents, unmatched);
    }

    /// <summary>The listing is still worth having when HubSpot cannot be read: owners are then named by id only.</summary>
    private async Task<IReadOnlyDictionary<long, string>> OwnerEmailsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await owners.EmailsAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not read HubSpot's owners; the quarantine listing names owners by id only");
            return new Dictionary<long, string>();
        }
    }
}

/// <summary>The answer of <c>POST /api/admin/quarantine/list</c> (docs/contracts.md, "Quarantine list").</summary>
public sealed record QuarantineListing(
    [property: JsonPropertyName("agents")] IReadOnlyList<QuarantinedAgent> Agents,
    [property: JsonPropertyName("owners")] IReadOnlyList<QuarantinedOwner> Owners);

public sealed record QuarantinedAgent(
    [property: JsonPropertyName("agentId")] long AgentId,
    [property: JsonPropertyName("facts")] int Facts,
    [property: JsonPropertyName("firstSeenUtc")] DateTime FirstSeenUtc,
    [property: JsonPropertyName("lastSeenUtc")] DateTime LastSeenUtc);

/// <summary>A HubSpot owner no agent matches by e-mail; both null for facts whose object had no owner.</summary>
public sealed record QuarantinedOwner(
    [property: JsonPropertyName("ownerEmail")] string? OwnerEmail,
    [property: JsonPropertyName("ownerId")] long? OwnerId,
    [property: JsonPropertyName("facts")] int Facts);
