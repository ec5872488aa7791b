using System.Text.Json;
using System.Text.Json.Serialization;
using Ingest.Core.Domain;

namespace Ingest.LocalHost;

/// <summary>A roster in the shape of the <c>dimagent/sync</c> body: <c>{"members":[{"id":42,"name":"..","email":".."}]}</c>.</summary>
public sealed record RosterFile([property: JsonPropertyName("members")] IReadOnlyList<RosterFile.Member>? Members)
{
    public sealed record Member(
        [property: JsonPropertyName("id")] long Id,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("email")] string? Email);

    public static async Task<IReadOnlyList<DimAgent>> LoadAsync(string path, DateTime syncedAtUtc, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var file = await JsonSerializer.DeserializeAsync<RosterFile>(stream, cancellationToken: cancellationToken)
            ?? throw new InvalidDataException($"{path} holds no roster.");
        var members = file.Members ?? throw new InvalidDataException($"{path}: 'members' is missing.");
        return members.Select((m, i) => m.Id > 0 && !string.IsNullOrWhiteSpace(m.Name)
                ? new DimAgent { AgentID = m.Id, Name = m.Name, Email = m.Email, SyncedAtUtc = syncedAtUtc }
                : throw new InvalidDataException($"{path}: members[{i}] needs a positive id and a name."))
            .ToArray();
    }
}
