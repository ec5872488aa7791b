using System.Net;
using System.Text.Json;

namespace Ingest.PowerBiEmulator;

/// <summary>
/// The Power BI push API as this product uses it: the workspace-form endpoints for datasets, tables and
/// rows, schema checks, and every per-dataset limit answered as Power BI answers it (429 with
/// Retry-After). One instance serves in process (the local host) or behind <see cref="EmulatorServer"/>.
/// This class routes and keeps datasets and tables; rows are <see cref="RowEndpoints"/>'s.
/// </summary>
public sealed class PushEmulator : IEmulatedSink
{
    private readonly EmulatorLimits _limits;
    private readonly EmulatorWorkspace _workspace = new();
    private readonly EmulatorFaults _faults = new();
    private readonly RowEndpoints _rows;

    public PushEmulator(TimeProvider clock, EmulatorLimits? limits = null)
    {
        _limits = limits ?? EmulatorLimits.PowerBi;
        _rows = new RowEndpoints(_workspace, _limits, _faults, clock);
    }

    public PushEmulator() : this(TimeProvider.System)
    {
    }

    /// <summary>Answers the next <paramref name="count"/> POST rows requests with <paramref name="status"/>; 0 clears.</summary>
    public void InjectFault(int status, int count) => _faults.Inject(status, count);

    /// <summary>Delays every POST rows request, which keeps it pending (it counts against the in-flight limit).</summary>
    public void SetLatency(TimeSpan latency) => _faults.Latency = latency;

    /// <summary>How many POST rows requests that latency holds right now (a test's clock knows they wait for time, not work).</summary>
    public int HeldRequests => _faults.Held;

    /// <summary>POST rows requests being served right now, across datasets.</summary>
    public int PendingPosts
    {
        get
        {
            lock (_workspace.Gate)
            {
                return _workspace.Datasets.Sum(d => d.Pending);
            }
        }
    }

    /// <summary>Counters of every table of every dataset, for <c>GET /local/stats</c>.</summary>
    public IReadOnlyDictionary<string, TableStats> Stats()
    {
        lock (_workspace.Gate)
        {
            var stats = new Dictionary<string, TableStats>(StringComparer.Ordinal);
            foreach (var table in _workspace.Datasets.SelectMany(d => d.Tables.Values))
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
        lock (_workspace.Gate)
        {
            return _workspace.Datasets.SelectMany(d => d.Tables.TryGetValue(table, out var t) ? t.Rows : []).ToArray();
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
                ("POST", RouteSegment.Rows) => await _rows.PostAsync(route.Value, request, cancellationToken),
                ("DELETE", RouteSegment.Rows) => _rows.Delete(route.Value),
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
        lock (_workspace.Gate)
        {
            var value = _workspace.Datasets.Where(d => d.GroupId == route.GroupId).Select(Describe).ToArray();
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
            var (emulated, error) = EmulatorSchema.ParseTable(table, expectedName: null, _limits);
            if (error is not null)
            {
                return BadRequest("InvalidRequest", error);
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

        lock (_workspace.Gate)
        {
            _workspace.Datasets.Add(dataset);
            return new EmulatorResponse((int)HttpStatusCode.Created, JsonSerializer.Serialize(Describe(dataset)));
        }
    }

    private EmulatorResponse ListTables(EmulatorRoute route)
    {
        lock (_workspace.Gate)
        {
            if (_workspace.Find(route) is not { } dataset)
            {
                return EmulatorWorkspace.DatasetNotFound(route);
            }

            var value = dataset.Tables.Values.Select(t => t.Schema).ToArray();
            return EmulatorResponse.Ok(JsonSerializer.Serialize(new { value }));
        }
    }

    private EmulatorResponse PutTable(EmulatorRoute route, EmulatorRequest request)
    {
        using var document = JsonDocument.Parse(request.Body);
        var (table, error) = EmulatorSchema.ParseTable(document.RootElement, route.Table, _limits);
        if (error is not null)
        {
            return BadRequest("InvalidRequest", error);
        }

        lock (_workspace.Gate)
        {
            if (_workspace.Find(route) is not { } dataset)
            {
                return EmulatorWorkspace.DatasetNotFound(route);
            }

            if (!dataset.Tables.TryGetValue(route.Table!, out var existing))
            {
                return EmulatorWorkspace.TableNotFound(route);
            }

            // The schema changes; the rows stay, as in Power BI.
            existing.Columns = table!.Columns;
            existing.Schema = table.Schema;
            return EmulatorResponse.Ok(JsonSerializer.Serialize(existing.Schema));
        }
    }

    private static object Describe(EmulatedDataset d) => new
    {
        id = d.Id,
        name = d.Name,
        addRowsAPIEnabled = true,
        defaultRetentionPolicy = d.RetentionPolicy,
        isRefreshable = false,
    };

    private static EmulatorResponse BadRequest(string code, string message) => EmulatorResponse.Error(HttpStatusCode.BadRequest, code, message);

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
