using System.Net;
using System.Text.Json;

namespace Ingest.PowerBiEmulator;

/// <summary>POST and DELETE of a table's rows: the limits, the schema checks and the injected faults, as Power BI answers them.</summary>
internal sealed class RowEndpoints(EmulatorWorkspace workspace, EmulatorLimits limits, EmulatorFaults faults, TimeProvider clock)
{
    public EmulatorResponse Delete(EmulatorRoute route)
    {
        lock (workspace.Gate)
        {
            if (workspace.Find(route) is not { } dataset)
            {
                return EmulatorWorkspace.DatasetNotFound(route);
            }

            if (!dataset.Tables.TryGetValue(route.Table!, out var table))
            {
                return EmulatorWorkspace.TableNotFound(route);
            }

            table.Rows.Clear();
            return EmulatorResponse.Ok();
        }
    }

    public async Task<EmulatorResponse> PostAsync(EmulatorRoute route, EmulatorRequest request, CancellationToken cancellationToken)
    {
        EmulatedDataset dataset;
        EmulatedTable table;
        TimeSpan latency;
        lock (workspace.Gate)
        {
            if (workspace.Find(route) is not { } found)
            {
                return EmulatorWorkspace.DatasetNotFound(route);
            }

            if (!found.Tables.TryGetValue(route.Table!, out var foundTable))
            {
                return EmulatorWorkspace.TableNotFound(route);
            }

            (dataset, table, latency) = (found, foundTable, faults.Latency);
            if (faults.TakeFault() is { } injected)
            {
                return injected;
            }

            if (dataset.Pending >= limits.MaxPendingPosts)
            {
                table.Throttled++;
                return EmulatorResponse.TooManyRequests($"More than {limits.MaxPendingPosts} POST rows requests pending for this dataset.", TimeSpan.FromSeconds(1));
            }

            dataset.Pending++;
        }

        try
        {
            if (latency > TimeSpan.Zero)
            {
                await faults.HoldAsync(latency, clock, cancellationToken);
            }

            return AddRows(dataset, table, request);
        }
        finally
        {
            lock (workspace.Gate)
            {
                dataset.Pending--;
            }
        }
    }

    private EmulatorResponse AddRows(EmulatedDataset dataset, EmulatedTable table, EmulatorRequest request)
    {
        if (request.Body.Length > limits.MaxRequestBytes)
        {
            return Reject(table, HttpStatusCode.RequestEntityTooLarge, "RequestTooLarge", $"The request is larger than {limits.MaxRequestBytes} bytes.");
        }

        using var document = JsonDocument.Parse(request.Body);
        if (!document.RootElement.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            return Reject(table, HttpStatusCode.BadRequest, "InvalidRequest", "The body must be {\"rows\": [...]}.");
        }

        var count = rows.GetArrayLength();
        if (count > limits.MaxRowsPerPost)
        {
            return Reject(table, HttpStatusCode.BadRequest, "TooManyRowsInRequest", $"{count} rows in one request; at most {limits.MaxRowsPerPost}.");
        }

        var index = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (EmulatorSchema.CheckRow(table, row, limits) is { } problem)
            {
                return Reject(table, HttpStatusCode.BadRequest, "InvalidRow", $"Row {index}: {problem}");
            }

            index++;
        }

        lock (workspace.Gate)
        {
            var now = clock.GetUtcNow();
            dataset.Forget(now);
            if (limits.Throttle(dataset, table, count, now) is { } throttled)
            {
                table.Throttled++;
                return throttled;
            }

            if (dataset.RetentionPolicy == "None" && table.Rows.Count + count > limits.NoneMaxRows)
            {
                return Reject(table, HttpStatusCode.BadRequest, "TableFull", $"The table holds {table.Rows.Count} rows; at most {limits.NoneMaxRows} under retention policy None.");
            }

            foreach (var row in rows.EnumerateArray())
            {
                table.Rows.AddLast(row.Clone());
            }

            while (dataset.RetentionPolicy == "basicFIFO" && table.Rows.Count > limits.FifoMaxRows)
            {
                table.Rows.RemoveFirst();
            }

            dataset.RecordPost(now, count);
            table.Posts++;
            return EmulatorResponse.Ok();
        }
    }

    private EmulatorResponse Reject(EmulatedTable table, HttpStatusCode status, string code, string message)
    {
        lock (workspace.Gate)
        {
            table.Rejected++;
        }

        return EmulatorResponse.Error(status, code, message);
    }
}
