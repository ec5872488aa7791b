using System.Globalization;
using Ingest.Core.Adapters;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.HubSpot;

/// <summary>
/// Settles HubSpot candidates against the CRM: an email counts for EMAILS when <c>hs_email_direction</c> is
/// <c>EMAIL</c> (sent by a rep), dated by <c>hs_timestamp</c>; a ticket counts for CASES when its new stage's
/// pipeline metadata says <c>ticketState</c> CLOSED, at the time of the change. Owner → agent by normalised
/// email against the roster; an owner with no agent becomes agent <c>-ownerId</c>, which the roster gate
/// quarantines. The pipelines and owners are cached, and read again when a stage or owner is unknown.
/// </summary>
public sealed class HubSpotEnricher(HubSpotClient client, IRosterStore roster, IOptions<HubSpotOptions> options, TimeProvider clock, ILogger<HubSpotEnricher> logger)
    : IEventEnricher
{
    private static readonly string[] EmailProperties = ["hubspot_owner_id", "hs_timestamp", "hs_email_direction"];
    private const string StageProperty = "hs_pipeline_stage";
    private static readonly string[] TicketProperties = ["hubspot_owner_id", "hs_pipeline", StageProperty];

    private readonly RefreshingCache<IReadOnlyDictionary<string, bool>> _closedByStage = new(
        async ct => (await client.TicketPipelinesAsync(ct)).SelectMany(p => p.Stages)
            .ToDictionary(s => s.Id, s => string.Equals(s.Metadata?.GetValueOrDefault("ticketState"), "CLOSED", StringComparison.OrdinalIgnoreCase)),
        options.Value.CacheDuration, clock);

    private readonly RefreshingCache<IReadOnlyDictionary<string, string>> _emailByOwner = new(
        async ct => (await client.OwnersAsync(ct)).Where(o => !string.IsNullOrWhiteSpace(o.Email)).ToDictionary(o => o.Id, o => Normalise(o.Email!)),
        options.Value.CacheDuration, clock);

    public async Task<IReadOnlyList<CountableEvent>> EnrichAsync(IReadOnlyList<EnrichmentCandidate> candidates, CancellationToken cancellationToken)
    {
        var emails = candidates.Where(c => c.Kind == HubSpotAdapter.EmailKind).ToArray();
        var tickets = await ClosingTicketsAsync(candidates.Where(c => c.Kind == HubSpotAdapter.TicketKind).ToArray(), cancellationToken);
        var emailObjects = await ReadAsync("emails", emails, EmailProperties, cancellationToken);
        var ticketObjects = await ReadAsync("tickets", tickets, TicketProperties, cancellationToken, withHistory: [StageProperty]);

        var agentOf = await AgentResolverAsync(emailObjects.Concat(ticketObjects), cancellationToken);
        var counted = new List<CountableEvent>();
        foreach (var email in emailObjects)
        {
            var direction = Property(email, "hs_email_direction");
            if (direction != "EMAIL")
            {
                logger.LogDebug("Email {EmailId} is {Direction}, not sent by a rep: not counted", email.Id, direction);
                continue;
            }

            var at = ParseTime(Property(email, "hs_timestamp")) ?? emails.First(e => e.ObjectId == Id(email)).OccurredAtUtc;
            counted.Add(new CountableEvent(HubSpotAdapter.SourceName, MetricId.EMAILS, Id(email), agentOf(Property(email, "hubspot_owner_id")), "Outbound", "Sent", at, null, null));
        }

        var closedStages = await _closedByStage.GetAsync(refresh: false, cancellationToken);
        foreach (var ticket in ticketObjects)
        {
            // Its first entry into a closed stage, whichever delivery (a later close, redriven first) claims it: the
            // fact's date must not depend on processing order. Without a history, the first close in this batch.
            var closedAt = FirstClose(ticket, closedStages) ?? tickets.First(t => t.ObjectId == Id(ticket)).OccurredAtUtc;
            counted.Add(new CountableEvent(HubSpotAdapter.SourceName, MetricId.CASES, Id(ticket), agentOf(Property(ticket, "hubspot_owner_id")), "None", "Closed", closedAt, null, null));
        }

        return counted;
    }

    /// <summary>
    /// Reads the objects of these candidates. One the CRM does not return (deleted, or outside the app's scopes) is
    /// logged, not silently dropped; a read that returns none at all is suspect (a scope or portal mix-up, an object
    /// not readable yet), so it fails and the delivery stays captured until it reads right or reaches the poison queue.
    /// </summary>
    private async Task<IReadOnlyList<HubSpotObject>> ReadAsync(
        string type, EnrichmentCandidate[] candidates, string[] properties, CancellationToken cancellationToken, string[]? withHistory = null)
    {
        if (candidates.Length == 0)
        {
            return [];
        }

        var ids = candidates.Select(c => c.ObjectId).Distinct().ToArray();
        var read = await client.BatchReadAsync(type, ids, properties, cancellationToken, withHistory);
        var missing = ids.Except(read.Select(Id)).ToArray();
        if (read.Count == 0)
        {
            throw new HubSpotReadSuspectException(type, ids.Length);
        }

        foreach (var id in missing)
        {
            logger.LogWarning("HubSpot returned no {ObjectType} {ObjectId} (deleted, or outside the app's scopes): not counted", type, id);
        }

        return read;
    }

    private static DateTime? FirstClose(HubSpotObject ticket, IReadOnlyDictionary<string, bool> closedStages)
        => ticket.History?.GetValueOrDefault(StageProperty)?
            .Where(v => v.Value is { } stage && closedStages.GetValueOrDefault(stage))
            .Select(v => (DateTime?)v.Timestamp.UtcDateTime)
            .Min();

    /// <summary>The candidates whose new stage closes the ticket, reading the pipelines again once if a stage is unknown.</summary>
    private async Task<EnrichmentCandidate[]> ClosingTicketsAsync(EnrichmentCandidate[] changes, CancellationToken cancellationToken)
    {
        if (changes.Length == 0)
        {
            return [];
        }

        var closed = await _closedByStage.GetAsync(refresh: false, cancellationToken);
        if (changes.Any(c => !closed.ContainsKey(c.Value!)))
        {
            closed = await _closedByStage.GetAsync(refresh: true, cancellationToken);
        }

        foreach (var unknown in changes.Where(c => !closed.ContainsKey(c.Value!)))
        {
            logger.LogWarning("Ticket {TicketId} moved to stage {Stage}, which no ticket pipeline lists: not counted", unknown.ObjectId, unknown.Value);
        }

        return changes.Where(c => closed.GetValueOrDefault(c.Value!)).ToArray();
    }

    /// <summary>
    /// Owner id → agent id for these objects, reading the owners again at most once if one is unknown. No owner
    /// gives -1, an owner who is no agent gives -ownerId: the roster gate quarantines both.
    /// </summary>
    private async Task<Func<string?, long>> AgentResolverAsync(IEnumerable<HubSpotObject> objects, CancellationToken cancellationToken)
    {
        var agents = await AgentsByEmailAsync(cancellationToken);
        var owners = await _emailByOwner.GetAsync(refresh: false, cancellationToken);
        if (objects.Select(o => Property(o, "hubspot_owner_id")).Any(id => !string.IsNullOrEmpty(id) && !owners.ContainsKey(id)))
        {
            owners = await _emailByOwner.GetAsync(refresh: true, cancellationToken);
        }

        return ownerId =>
        {
            if (!long.TryParse(ownerId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var owner) || owner <= 0)
            {
                return -1;
            }

            if (owners.TryGetValue(ownerId!, out var email) && agents.TryGetValue(email, out var agent))
            {
                return agent;
            }

            logger.LogWarning("HubSpot owner {OwnerId} matches no agent on the roster by email; its facts are gated", ownerId);
            return -owner;
        };
    }

    private async Task<IReadOnlyDictionary<string, long>> AgentsByEmailAsync(CancellationToken cancellationToken)
    {
        var agents = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var agent in (await roster.GetAsync(cancellationToken)).Agents.Where(a => !string.IsNullOrWhiteSpace(a.Email)))
        {
            agents.TryAdd(Normalise(agent.Email!), agent.AgentID);
        }

        return agents;
    }

    private static string Normalise(string email) => email.Trim().ToLowerInvariant();

    private static long Id(HubSpotObject o) => long.Parse(o.Id, CultureInfo.InvariantCulture);

    private static string? Property(HubSpotObject o, string name) => o.Properties.GetValueOrDefault(name);

    /// <summary>HubSpot sends times as ISO 8601 or as epoch milliseconds, depending on the property.</summary>
    internal static DateTime? ParseTime(string? value)
        => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime
            : null;
}

/// <summary>HubSpot returned none of the objects a delivery names: more likely a wrong read than all of them gone.</summary>
public sealed class HubSpotReadSuspectException(string type, int requested)
    : SourceReadSuspectException($"HubSpot's batch read returned none of {requested} {type}; the delivery is kept for another attempt.");

/// <summary>A value read from an API and kept for a while; read again on demand (an unknown stage or owner).</summary>
internal sealed class RefreshingCache<T>(Func<CancellationToken, Task<T>> load, TimeSpan lifetime, TimeProvider clock)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private (T Value, DateTimeOffset At)? _cached;

    public async Task<T> GetAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && _cached is { } cached && clock.GetUtcNow() - cached.At < lifetime)
        {
            return cached.Value;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            var value = await load(cancellationToken);
            _cached = (value, clock.GetUtcNow());
            return value;
        }
        finally
        {
            _loading.Release();
        }
    }
}
