using System.Globalization;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Core.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Pipeline;

/// <summary>
/// Pushes the DimDate rows that facts refer to and that were not pushed yet, never one twice. A date is reserved,
/// pushed, then confirmed. A push that surely stored nothing is unreserved, so the next fact pushes it; one that
/// may have landed (no answer, a server error) or whose worker died is uncertain, and only rebuilding the table
/// (<see cref="DimDateSeed.RepairAsync"/>) is then safe: pushing it again could land it twice.
/// </summary>
public sealed class DimensionEnsurer(IDimRegistry registry, ISinkTables tables, DimDateSeed repair, IOptions<LedgerOptions> ledger, TimeProvider clock, ILogger<DimensionEnsurer> logger)
{
    /// <exception cref="DimensionsUnavailableException">The sink or the registry could not take the rows now: the delivery waits, like any outage.</exception>
    public async Task EnsureAsync(DimHints hints, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureDatesAsync(hints, cancellationToken);
        }
        catch (Exception e) when (IsOutage(e, cancellationToken))
        {
            throw new DimensionsUnavailableException($"DimDate could not be brought up to date ({e.GetType().Name}); the delivery is tried again later.", e);
        }
    }

    /// <summary>A fault that passes (throttling, a server error, no answer, a rebuild holding the table): not the delivery's.</summary>
    private static bool IsOutage(Exception e, CancellationToken cancellationToken) => e switch
    {
        SinkFailedException failed => failed.IsTransient,
        HttpRequestException or TimeoutException or AdminConflictException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private async Task EnsureDatesAsync(DimHints hints, CancellationToken cancellationToken)
    {
        var (reserved, uncertain) = await ReserveAsync(hints.DateKeys, cancellationToken);
        if (uncertain)
        {
            await ReleaseAsync(reserved, mayHaveLanded: false);
            logger.LogWarning("A DimDate push may have landed unconfirmed; rebuilding DimDate");
            await repair.RepairAsync(hints.DateKeys, cancellationToken);
            return;
        }

        if (reserved.Count == 0)
        {
            return;
        }

        try
        {
            await tables.AppendRowsAsync(TableNames.DimDate, reserved.Select(r => r.Row).ToArray(), cancellationToken);
        }
        catch (Exception e)
        {
            await ReleaseAsync(reserved, mayHaveLanded: e is not (SinkFailedException { MayHaveLanded: false } or StoreUnavailableException));
            throw;
        }

        // The rows landed; a confirm that fails leaves the date uncertain, and the next fact that needs it rebuilds.
        await BestEffortAsync(async () =>
        {
            foreach (var (row, token) in reserved)
            {
                await registry.ConfirmAsync(TableNames.DimDate, RowKey(row.DateKey), token, CancellationToken.None);
            }
        });
    }

    public static string RowKey(int dateKey) => dateKey.ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs a step whose failure only leaves a reservation to lapse into uncertain.</summary>
    internal static async Task BestEffortAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is StoreUnavailableException or OperationCanceledException)
        {
            // The lease lapses and the date is rebuilt when next needed.
        }
    }

    private async Task<(List<(DimDate Row, string Token)> Reserved, bool Uncertain)> ReserveAsync(IEnumerable<int> dateKeys, CancellationToken cancellationToken)
    {
        var reserved = new List<(DimDate Row, string Token)>();
        var uncertain = false;
        try
        {
            foreach (var dateKey in dateKeys)
            {
                var reservation = await registry.TryReserveAsync(TableNames.DimDate, RowKey(dateKey), ledger.Value.LeaseDuration, clock.GetUtcNow(), cancellationToken);
                if (reservation.Status == DimRowStatus.Reserved)
                {
                    reserved.Add((BusinessCalendar.DateRow(Keys.DateFromKey(dateKey)), reservation.Token!));
                }

                uncertain |= reservation.Status == DimRowStatus.Uncertain;
            }
        }
        catch
        {
            await ReleaseAsync(reserved, mayHaveLanded: false);
            throw;
        }

        return (reserved, uncertain);
    }

    private Task ReleaseAsync(List<(DimDate Row, string Token)> reserved, bool mayHaveLanded) => BestEffortAsync(async () =>
    {
        foreach (var (row, token) in reserved)
        {
            var key = RowKey(row.DateKey);
            await (mayHaveLanded
                ? registry.AbandonAsync(TableNames.DimDate, key, token, CancellationToken.None)
                : registry.UnreserveAsync(TableNames.DimDate, key, token, CancellationToken.None));
        }
    });
}

/// <summary>A dimension table could not be brought up to date for now (the sink failing, a rebuild holding it): the delivery waits, like any outage.</summary>
public sealed class DimensionsUnavailableException(string message, Exception inner) : TransientFaultException(message, inner);
