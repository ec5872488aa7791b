using System.Globalization;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Core.Time;

namespace Ingest.Core.Pipeline;

/// <summary>Pushes the DimDate rows that facts refer to and that were not pushed yet, never one twice.</summary>
public sealed class DimensionEnsurer(IDimRegistry registry, IPushTables tables)
{
    public async Task EnsureAsync(DimHints hints, CancellationToken cancellationToken)
    {
        List<DimDate>? missing = null;
        foreach (var dateKey in hints.DateKeys)
        {
            if (await registry.TryReserveAsync(TableNames.DimDate, RowKey(dateKey), cancellationToken))
            {
                (missing ??= []).Add(BusinessCalendar.DateRow(Keys.DateFromKey(dateKey)));
            }
        }

        if (missing is null)
        {
            return;
        }

        try
        {
            await tables.AddRowsAsync(TableNames.DimDate, missing, cancellationToken);
        }
        catch
        {
            foreach (var row in missing)
            {
                await registry.UnreserveAsync(TableNames.DimDate, RowKey(row.DateKey), CancellationToken.None);
            }

            throw;
        }
    }

    public static string RowKey(int dateKey) => dateKey.ToString(CultureInfo.InvariantCulture);
}
