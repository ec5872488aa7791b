using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.DynamoDb;

/// <summary>The roster as one document, read through a short in-memory cache because every delivery consults it.</summary>
public sealed class DynamoRosterStore(DynamoDocuments documents, IOptions<DynamoDbOptions> options, TimeProvider clock) : IRosterStore
{
    private const string Pk = "ROSTER";
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (Roster Roster, DateTimeOffset Until)? _cached;

    public async Task<Roster> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } hit && hit.Until > clock.GetUtcNow())
        {
            return hit.Roster;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && again.Until > clock.GetUtcNow())
            {
                return again.Roster;
            }

            var roster = new Roster(await documents.GetAsync<DimAgent[]>(Pk, cancellationToken) ?? []);
            _cached = (roster, clock.GetUtcNow() + options.Value.RosterCacheDuration);
            return roster;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public async Task ReplaceAsync(IReadOnlyList<DimAgent> agents, CancellationToken cancellationToken)
    {
        await documents.PutAsync(Pk, agents.ToArray(), cancellationToken);
        _cached = (new Roster(agents), clock.GetUtcNow() + options.Value.RosterCacheDuration);
    }
}
