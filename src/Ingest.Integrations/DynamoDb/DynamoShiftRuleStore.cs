using Ingest.Core.Storage;
using Ingest.Core.Time;

namespace Ingest.Integrations.DynamoDb;

/// <summary>The shift rules as one document; ingest and the DimShift sync read the same one.</summary>
public sealed class DynamoShiftRuleStore(DynamoDocuments documents) : IShiftRuleStore
{
    private const string Pk = "SHIFTS";

    private sealed record StoredRule(string ShiftId, string Name, TimeOnly Start, TimeOnly End, DayOfWeek[] Days, int SortOrder);

    public async Task<IReadOnlyList<ShiftRule>> GetAsync(CancellationToken cancellationToken)
    {
        var stored = await documents.GetAsync<StoredRule[]>(Pk, cancellationToken) ?? [];
        return stored.Select(r => new ShiftRule(r.ShiftId, r.Name, r.Start, r.End, r.Days.ToHashSet(), r.SortOrder)).OrderBy(r => r.SortOrder).ToArray();
    }

    public Task ReplaceAsync(IReadOnlyList<ShiftRule> rules, CancellationToken cancellationToken)
        => documents.PutAsync(Pk, rules.Select(r => new StoredRule(r.ShiftId, r.Name, r.Start, r.End, r.Days.ToArray(), r.SortOrder)).ToArray(), cancellationToken);
}
