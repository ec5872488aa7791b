using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Ingest.PowerBiEmulator;

/// <summary>
/// The Power BI push API as this product uses it: the workspace-form endpoints for datasets, tables and
/// rows, schema checks, and every per-dataset limit answered as Power BI answers it (429 with
/// Retry-After). One instance serves in process (the local host) or behind <see cref="EmulatorServer"/>.
/// </summary>
public sealed class PushEmulator(TimeProvider clock, EmulatorLimits? limits = null)
{
    private static readonly string[] DataTypes = ["Int64", "Double", "Boolean", "DateTime", "String"];

    private readonly EmulatorLimits _limits = limits ?? EmulatorLimits.PowerBi;
    private readonly Lock _gate = new();
    private readonly List<EmulatedDataset> _datasets = [];
    private int _faultStatus;
    private int _faultCount;
    private TimeSpan _latency;

    public PushEmulator() : this(TimeProvider.System)
    {
    }

    /// <summary>Answers the next <paramref name="count"/> POST rows requests with <paramref name="status"/>; 0 clears.</summary>
    public void InjectFault(int status, int count)
    {
        lock (_gate)
        {
            _faultStatus = status;
            _faultCount = Math.Max(0, count);
        }
    }

    /// <summary>Delays every POST rows request, which keeps it pending (it counts against the in-flight limit).</summary>
    public void SetLatency(TimeSpan latency)
    {
        lock (_gate)
        {
            _latency = latency;
        }
    }

    /// <summary>POST rows requests being served right now, across datasets.</summary>
    public int PendingPosts
    {
        get
        {
            lock (_gate)
            {
                return _datasets.Sum(d => d.Pending);
            }
        }
    }

    /// <summary>Counters of every table of every dataset, for <c>GET /local/stats</c>.</summary>
    public IReadOnlyDictionary<string, TableStats> Stats()
    {
        lock (_gate)
        {
            var stats = new Dictionary<string, TableStats>(StringComparer.Ordinal);
            foreach (var table in _datasets.SelectMany(d => d.Tables.Values))
            {
                stats.TryGetValue(table.Name, out var sum);
                stats[table.Name] = new TableStats(
                    (sum?.Rows ?? 0) + table.Rows.Count,
                    (sum?.Posts ?? 0) + table.Posts,
                    (sum?.Throttled ?? 0) + table.Throttled,
                    (sum?.Rejected ?? 0) + table.Rejected);
            }

            return stats;
        }
    }

    /// <summary>The rows a table holds, across datasets, as JSON objects.</summary>
    public IReadOnlyList<JsonElement> Rows(string table)
    {
        lock (_gate)
        {
            return _datasets.SelectMany(d => d.Tables.TryGetValue(table, out var t) ? t.Rows : []).ToArray();
        }
    }

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var route = EmulatorRoute.Parse(request.Path);
        if (route is null)
        {
            return EmulatorResponse.Error(HttpStatusCode.NotFound, "NotFound", $"No such endpoint: {request.Path}");
        }

        try
        {
            return (request.Method, route.Value.Segment) switch
            {
                ("GET", RouteSegment.Datasets) => ListDatasets(route.Value),
                ("POST", RouteSegment.Datasets) => CreateDataset(route.Value, request),
                ("GET", RouteSegment.Tables) => ListTables(route.Value),
                ("PUT", RouteSegment.Table) => PutTable(route.Value, request),
                ("POST", RouteSegment.Rows) => await PostRowsAsync(route.Value, request, cancellationToken),
                ("DELETE", RouteSegment.Rows) => DeleteRows(route.Value),
                _ => EmulatorResponse.Error(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{request.Method} is not supported on {request.Path}"),
            };
        }
        catch (JsonException e)
        {
            return BadRequest("InvalidRequest", $"The request body is not valid JSON: {e.Message}");
        }
    }

    private EmulatorResponse ListDatasets(EmulatorRoute route)
    {
        lock (_gate)
        {
            var value = _datasets.Where(d => d.GroupId == route.GroupId).Select(Describe).ToArray();
            return EmulatorResponse.Ok(JsonSerializer.Serialize(new { value }));
        }
    }

    private EmulatorResponse CreateDataset(EmulatorRoute route, EmulatorRequest request)
    {
        var retention = QueryValue(request.Query, "defaultRetentionPolicy") ?? "None";
        if (!retention.Equals("None", StringComparison.OrdinalIgnoreCase) && !retention.Equals("basicFIFO", StringComparison.OrdinalIgnoreCase))
        {
            return BadRequest("InvalidParameter", $"defaultRetentionPolicy must be None or basicFIFO, not '{retention}'.");
        }

        using var document = JsonDocument.Parse(request.Body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return BadRequest("InvalidRequest", "A dataset needs a name.");
        }

        if (!root.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Array || tables.GetArrayLength() == 0)
        {
            return BadRequest("InvalidRequest", "A push dataset needs at least one table.");
        }

        if (tables.GetArrayLength() > _limits.MaxTables)
        {
            return BadRequest("InvalidRequest", $"At most {_limits.MaxTables} tables per dataset.");
        }

        var relationships = root.TryGetProperty("relationships", out var rel) ? rel.Clone() : default;
        if (relationships.ValueKind == JsonValueKind.Array && relationships.GetArrayLength() > _limits.MaxRelationships)
        {
            return BadRequest("InvalidRequest", $"At most {_limits.MaxRelationships} relationships per dataset.");
        }

        var parsed = new List<EmulatedTable>();
        foreach (var table in tables.EnumerateArray())
        {
            var (emulated, error) = ParseTable(table, expectedName: null);
            if (error is not null)
            {
                return error;
            }

            parsed.Add(emulated!);
        }

        var policy = retention.Equals("None", StringComparison.OrdinalIgnoreCase) ? "None" : "basicFIFO";
        var dataset = new EmulatedDataset(Guid.NewGuid().ToString(), route.GroupId, name.GetString()!, policy) { Relationships = relationships };
        foreach (var table in parsed)
        {
            if (!dataset.Tables.TryAdd(table.Name, table))
            {
                return BadRequest("InvalidRequest", $"Table '{table.Name}' is declared twice.");
            }
        }

        lock (_gate)
        {
            _datasets.Add(dataset);
            return new EmulatorResponse((int)HttpStatusCode.Created, JsonSerializer.Serialize(Describe(dataset)));
        }
    }

    private EmulatorResponse ListTables(EmulatorRoute route)
    {
        lock (_gate)
        {
            if (Find(route) is not { } dataset)
            {
                return DatasetNotFound(route);
            }

            var value = dataset.Tables.Values.Select(t => t.Schema).ToArray();
            return EmulatorResponse.Ok(JsonSerializer.Serialize(new { value }));
        }
    }

    private EmulatorResponse PutTable(EmulatorRoute route, EmulatorRequest request)
    {
        using var document = JsonDocument.Parse(request.Body);
        var (table, error) = ParseTable(document.RootElement, route.Table);
        if (error is not null)
        {
            return error;
        }

        lock (_gate)
        {
            if (Find(route) is not { } dataset)
            {
                return DatasetNotFound(route);
            }

            if (!dataset.Tables.TryGetValue(route.Table!, out var existing))
            {
                return TableNotFound(route);
            }

            // The schema changes; the rows stay, as in Power BI.
            existing.Columns = table!.Columns;
            existing.Schema = table.Schema;
            return EmulatorResponse.Ok(JsonSerializer.Serialize(existing.Schema));
        }
    }

    private EmulatorResponse DeleteRows(EmulatorRoute route)
    {
        lock (_gate)
        {
            if (Find(route) is not { } dataset)
            {
                return DatasetNotFound(route);
            }

            if (!dataset.Tables.TryGetValue(route.Table!, out var table))
            {
                return TableNotFound(route);
            }

            table.Rows.Clear();
            return EmulatorResponse.Ok();
        }
    }

    private async Task<EmulatorResponse> PostRowsAsync(EmulatorRoute route, EmulatorRequest request, CancellationToken cancellationToken)
    {
        EmulatedDataset dataset;
        EmulatedTable table;
        TimeSpan latency;
        lock (_gate)
        {
            if (Find(route) is not { } found)
            {
                return DatasetNotFound(route);
            }

            if (!found.Tables.TryGetValue(route.Table!, out var foundTable))
            {
                return TableNotFound(route);
            }

            (dataset, table, latency) = (found, foundTable, _latency);
            if (_faultCount > 0)
            {
                _faultCount--;
                return EmulatorResponse.Error((HttpStatusCode)_faultStatus, "InjectedFault", "A fault injected by a test.", _faultStatus == 429 ? TimeSpan.FromSeconds(1) : null);
            }

            if (dataset.Pending >= _limits.MaxPendingPosts)
            {
                table.Throttled++;
                return TooManyRequests($"More than {_limits.MaxPendingPosts} POST rows requests pending for this dataset.", TimeSpan.FromSeconds(1));
            }

            dataset.Pending++;
        }

        try
        {
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, clock, cancellationToken);
            }

            return AddRows(dataset, table, request);
        }
        finally
        {
            lock (_gate)
            {
                dataset.Pending--;
            }
        }
    }

    private EmulatorResponse AddRows(EmulatedDataset dataset, EmulatedTable table, EmulatorRequest request)
    {
        if (request.Body.Length > _limits.MaxRequestBytes)
        {
            return Reject(table, HttpStatusCode.RequestEntityTooLarge, "RequestTooLarge", $"The request is larger than {_limits.MaxRequestBytes} bytes.");
        }

        using var document = JsonDocument.Parse(request.Body);
        if (!document.RootElement.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            return Reject(table, HttpStatusCode.BadRequest, "InvalidRequest", "The body must be {\"rows\": [...]}.");
        }

        var count = rows.GetArrayLength();
        if (count > _limits.MaxRowsPerPost)
        {
            return Reject(table, HttpStatusCode.BadRequest, "TooManyRowsInRequest", $"{count} rows in one request; at most {_limits.MaxRowsPerPost}.");
        }

        var index = 0;
        foreach (var row in rows.EnumerateArray())
        {
            if (CheckRow(table, row) is { } problem)
            {
                return Reject(table, HttpStatusCode.BadRequest, "InvalidRow", $"Row {index}: {problem}");
            }

            index++;
        }

        lock (_gate)
        {
            var now = clock.GetUtcNow();
            dataset.Forget(now);
            if (Throttle(dataset, table, count, now) is { } throttled)
            {
                table.Throttled++;
                return throttled;
            }

            if (dataset.RetentionPolicy == "None" && table.Rows.Count + count > _limits.NoneMaxRows)
            {
                return Reject(table, HttpStatusCode.BadRequest, "TableFull", $"The table holds {table.Rows.Count} rows; at most {_limits.NoneMaxRows} under retention policy None.");
            }

            foreach (var row in rows.EnumerateArray())
            {
                table.Rows.AddLast(row.Clone());
            }

            while (dataset.RetentionPolicy == "basicFIFO" && table.Rows.Count > _limits.FifoMaxRows)
            {
                table.Rows.RemoveFirst();
            }

            dataset.RecordPost(now, count);
            table.Posts++;
            return EmulatorResponse.Ok();
        }
    }

    private EmulatorResponse? Throttle(EmulatedDataset dataset, EmulatedTable table, int rows, DateTimeOffset now)
    {
        if (dataset.PostsLastMinute.Count >= _limits.MaxPostsPerMinute)
        {
            return TooManyRequests("Over the limit of POST rows requests per minute for this dataset.",
                dataset.PostsLastMinute.Peek() + TimeSpan.FromMinutes(1) - now);
        }

        if (table.Rows.Count >= _limits.LargeTableRows && dataset.PostsLastHour.Count >= _limits.MaxPostsPerHourWhenLarge)
        {
            var oldestCounted = dataset.PostsLastHour.ElementAt(dataset.PostsLastHour.Count - _limits.MaxPostsPerHourWhenLarge);
            return TooManyRequests($"The table holds {_limits.LargeTableRows} rows or more: over the limit of POST rows requests per hour.",
                oldestCounted + TimeSpan.FromHours(1) - now);
        }

        if (dataset.RowsInLastHour + rows > _limits.MaxRowsPerHour)
        {
            return TooManyRequests("You are over your rows per hour limit for this dataset.",
                dataset.RowsAdded.Peek().At + TimeSpan.FromHours(1) - now);
        }

        return null;
    }

    private string? CheckRow(EmulatedTable table, JsonElement row)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            return "a row must be a JSON object.";
        }

        foreach (var cell in row.EnumerateObject())
        {
            if (table.Column(cell.Name) is not { } column)
            {
                return $"column '{cell.Name}' is not in table '{table.Name}'.";
            }

            if (CheckValue(column, cell.Value) is { } problem)
            {
                return $"column '{cell.Name}' ({column.DataType}): {problem}";
            }
        }

        return null;
    }

    private string? CheckValue(ColumnDef column, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (column.DataType)
        {
            case "Int64":
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) ? null : $"{value.GetRawText()} is not an Int64.";
            case "Double":
                if (value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "-Infinity")
                {
                    return "NaN and infinities are not allowed.";
                }

                return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) ? null : $"{value.GetRawText()} is not a Double.";
            case "Boolean":
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"{value.GetRawText()} is not a Boolean.";
            case "DateTime":
                return value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, out _)
                    ? null
                    : $"{Abbreviate(value.GetRawText())} is not a DateTime.";
            default:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return $"{Abbreviate(value.GetRawText())} is not a String.";
                }

                var length = value.GetString()!.Length;
                return length > _limits.MaxStringLength ? $"{length} characters; at most {_limits.MaxStringLength}." : null;
        }
    }

    private (EmulatedTable? Table, EmulatorResponse? Error) ParseTable(JsonElement table, string? expectedName)
    {
        if (table.ValueKind != JsonValueKind.Object || !table.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return (null, BadRequest("InvalidRequest", "A table needs a name."));
        }

        var tableName = name.GetString()!;
        if (expectedName is not null && !string.Equals(tableName, expectedName, StringComparison.OrdinalIgnoreCase))
        {
            return (null, BadRequest("InvalidRequest", $"The body names table '{tableName}', the URL '{expectedName}'."));
        }

        if (!table.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array || columns.GetArrayLength() == 0)
        {
            return (null, BadRequest("InvalidRequest", $"Table '{tableName}' needs columns."));
        }

        if (columns.GetArrayLength() > _limits.MaxColumns)
        {
            return (null, BadRequest("InvalidRequest", $"Table '{tableName}' has more than {_limits.MaxColumns} columns."));
        }

        var parsed = new List<ColumnDef>();
        foreach (var column in columns.EnumerateArray())
        {
            var columnName = column.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var rawType = column.TryGetProperty("dataType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var dataType = DataTypes.FirstOrDefault(known => string.Equals(known, rawType, StringComparison.OrdinalIgnoreCase));
            if (string.IsNullOrEmpty(columnName) || dataType is null)
            {
                return (null, BadRequest("InvalidRequest", $"Table '{tableName}': every column needs a name and a dataType of {string.Join(", ", DataTypes)}."));
            }

            parsed.Add(new ColumnDef(columnName, dataType));
        }

        return (new EmulatedTable(tableName, parsed, table.Clone()), null);
    }

    private EmulatedDataset? Find(EmulatorRoute route)
        => _datasets.FirstOrDefault(d => d.GroupId == route.GroupId && string.Equals(d.Id, route.DatasetId, StringComparison.OrdinalIgnoreCase));

    private static object Describe(EmulatedDataset d) => new
    {
        id = d.Id,
        name = d.Name,
        addRowsAPIEnabled = true,
        defaultRetentionPolicy = d.RetentionPolicy,
        isRefreshable = false,
    };

    private EmulatorResponse Reject(EmulatedTable table, HttpStatusCode status, string code, string message)
    {
        lock (_gate)
        {
            table.Rejected++;
        }

        return EmulatorResponse.Error(status, code, message);
    }

    private static EmulatorResponse TooManyRequests(string message, TimeSpan retryAfter)
        => EmulatorResponse.Error(HttpStatusCode.TooManyRequests, "TooManyRequests", message, retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter);

    private static EmulatorResponse BadRequest(string code, string message) => EmulatorResponse.Error(HttpStatusCode.BadRequest, code, message);

    private static EmulatorResponse DatasetNotFound(EmulatorRoute route)
        => EmulatorResponse.Error(HttpStatusCode.NotFound, "ItemNotFound", $"Dataset {route.DatasetId} is not in workspace {route.GroupId}.");

    private static EmulatorResponse TableNotFound(EmulatorRoute route)
        => EmulatorResponse.Error(HttpStatusCode.NotFound, "ItemNotFound", $"Table '{route.Table}' is not in dataset {route.DatasetId}.");

    private static string Abbreviate(string text) => text.Length <= 60 ? text : text[..60] + "...";

    private static string? QueryValue(string query, string key)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (string.Equals(Uri.UnescapeDataString(parts[0]), key, StringComparison.OrdinalIgnoreCase))
            {
                return parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            }
        }

        return null;
    }
}

/// <summary>A table's counters: rows held, POSTs accepted, requests answered 429, requests refused as bad.</summary>
public sealed record TableStats(long Rows, long Posts, long Throttled, long Rejected);
