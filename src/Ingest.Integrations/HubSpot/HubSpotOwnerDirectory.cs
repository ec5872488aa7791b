using System.Globalization;
using Ingest.Core.Admin;

namespace Ingest.Integrations.HubSpot;

/// <summary>HubSpot's owners read afresh on each call: only the quarantine listing asks, and rarely.</summary>
public sealed class HubSpotOwnerDirectory(HubSpotClient client) : IOwnerDirectory
{
    public async Task<IReadOnlyDictionary<long, string>> EmailsAsync(CancellationToken cancellationToken)
    {
        var emails = new Dictionary<long, string>();
        foreach (var owner in await client.OwnersAsync(cancellationToken))
        {
            if (!string.IsNullOrWhiteSpace(owner.Email) && long.TryParse(owner.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                emails[id] = owner.Email.Trim();
            }
        }

        return emails;
    }
}
