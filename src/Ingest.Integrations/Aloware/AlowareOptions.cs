using System.ComponentModel.DataAnnotations;

namespace Ingest.Integrations.Aloware;

/// <summary>Aloware's REST API, for the DimAgent sync (section <c>Aloware</c>).</summary>
public sealed class AlowareOptions
{
    public const string Section = "Aloware";

    [Required, Url]
    public string BaseUrl { get; set; } = "https://app.aloware.com";

    /// <summary>The company's API token (sent as <c>api_token</c>; Aloware refuses a Bearer header). Empty: members must be posted.</summary>
    public string? ApiToken { get; set; }

    /// <summary>The ring group whose members are the agents.</summary>
    public long? RingGroupId { get; set; }

    /// <summary>The members as a fixed comma-separated list of user ids (Aloware documents no ring-group members endpoint).</summary>
    public string? MemberIds { get; set; }

    /// <summary>Or a URL answering the members as a JSON array of ids or of objects with <c>id</c>; <c>{ringGroupId}</c> and <c>{apiToken}</c> are filled in.</summary>
    public string? MembersUrlTemplate { get; set; }

    /// <summary>NCRONTAB schedule of the daily DimAgent sync (the timer function reads it as <c>%Aloware:DimAgentSyncSchedule%</c>).</summary>
    public string DimAgentSyncSchedule { get; set; } = "0 0 6 * * *";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiToken) && (!string.IsNullOrWhiteSpace(MemberIds) || !string.IsNullOrWhiteSpace(MembersUrlTemplate));

    public IReadOnlyList<long> ParsedMemberIds => (MemberIds ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(long.Parse).ToArray();
}
