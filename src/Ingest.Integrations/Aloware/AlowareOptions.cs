using Ingest.Core.Configuration;

namespace Ingest.Integrations.Aloware;

/// <summary>Aloware's REST API, for the DimAgent sync (section <c>Aloware</c>).</summary>
public sealed class AlowareOptions
{
    public const string Section = "Aloware";

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

internal sealed class AlowareRules : SettingsRules<AlowareOptions>
{
    protected override IEnumerable<string> Broken(AlowareOptions o)
    {
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _))
        {
            yield return "Aloware__BaseUrl must be an absolute URL.";
        }

        if (!string.IsNullOrWhiteSpace(o.MemberIds)
            && !o.MemberIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(id => long.TryParse(id, out var v) && v > 0))
        {
            yield return "Aloware__MemberIds must be comma-separated positive user ids.";
        }

        if (!string.IsNullOrWhiteSpace(o.MembersUrlTemplate)
            && !Uri.TryCreate(o.MembersUrlTemplate.Replace("{ringGroupId}", "0").Replace("{apiToken}", "t"), UriKind.Absolute, out _))
        {
            yield return "Aloware__MembersUrlTemplate must be an absolute URL.";
        }
    }
}
