using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Ingest.PowerBiEmulator;

namespace Ingest.EventhouseEmulator;

/// <summary>
/// An Eventhouse (a Kusto database service) as the product meets it: streaming ingestion, which checks the database,
/// the table, its streaming policy and the named JSON mapping and applies the mapping to each line, and the control
/// commands the product sends (<see cref="ControlCommands"/>). Any database name exists, empty until the product
/// creates its tables. No KQL engine: queries are not run, stored functions are kept as text, and the one kind of
/// materialized view the product makes (one row per key) is computed when read.
/// </summary>
public sealed class EmulatedEventhouse(TimeProvider clock) : IEmulatedSink
{
    /// <summary>The service's limit on one streaming ingestion request's data.</summary>
    public const int MaxIngestBytes = 4 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, KustoDatabase> _databases = new(StringComparer.Ordinal);
    private readonly EmulatorFaults _faults = new();

    public EmulatedEventhouse() : this(TimeProvider.System)
    {
    }

    private long _ingestRequests;
    private long _gzipped;
    private long _withoutRequestId;

    /// <summary>Every streaming ingestion request received, answered or refused.</summary>
    public long IngestRequests => Interlocked.Read(ref _ingestRequests);

    /// <summary>Ingestion requests whose body came gzipped (<c>Content-Encoding: gzip</c>).</summary>
    public long GzippedIngests => Interlocked.Read(ref _gzipped);

    /// <summary>Requests (ingestion or command) that carried no <c>x-ms-client-request-id</c>.</summary>
    public long RequestsWithoutClientRequestId => Interlocked.Read(ref _withoutRequestId);

    public void InjectFault(int status, int count) => _faults.Inject(status, count);

    public void SetLatency(TimeSpan latency) => _faults.Latency = latency;

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var parts = request.Path.Trim('/').Split('/');
        if (string.IsNullOrEmpty(request.Header("x-ms-client-request-id")))
        {
            Interlocked.Increment(ref _withoutRequestId);
        }
        return (request.Method, parts) switch
        {
            ("POST", ["v1", "rest", "ingest", var db, var table]) => await IngestAsync(Uri.UnescapeDataString(db), Uri.UnescapeDataString(table), request, cancellationToken),
            ("POST", ["v1", "rest", "mgmt"]) => await ManageAsync(request, cancellationToken),
            ("POST", ["v1", "rest", "query"] or ["v2", "rest", "query"]) => KustoAnswers.BadRequest("BadRequest_NotSupported", "The emulator runs no queries; read its tables at /local/tables/{table}."),
            _ => KustoAnswers.Error(HttpStatusCode.NotFound, "NotFound", $"No such endpoint: {request.Method} {request.Path}", permanent: true),
        };
    }

    /// <summary>A control command; the latency a test sets holds it as it holds an ingestion (a slow service is slow for both).</summary>
    private async Task<EmulatorResponse> ManageAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        if (_faults.Latency is { } latency && latency > TimeSpan.Zero)
        {
            await _faults.HoldAsync(latency, clock, cancellationToken);
        }

        string? db, csl;
        try
        {
            using var body = JsonDocument.Parse(request.Body);
            db = body.RootElement.TryGetProperty("db", out var d) ? d.GetString() : null;
            csl = body.RootElement.TryGetProperty("csl", out var c) ? c.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return KustoAnswers.BadRequest("BadRequest_InvalidRequest", "The body must be {\"db\": ..., \"csl\": ...}: " + e.Message);
        }

        if (string.IsNullOrWhiteSpace(db) || string.IsNullOrWhiteSpace(csl))
        {
            return KustoAnswers.BadRequest("BadRequest_InvalidRequest", "The body must name the database (db) and the command (csl).");
        }

        lock (_gate)
        {
            return ControlCommands.Apply(Database(db), csl);
        }
    }

    private async Task<EmulatorResponse> IngestAsync(string db, string tableName, EmulatorRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _ingestRequests);
        if (string.Equals(request.Header("Content-Encoding"), "gzip", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _gzipped);
        }

        if (_faults.Latency is { } latency && latency > TimeSpan.Zero)
        {
            await _faults.HoldAsync(latency, clock, cancellationToken);
        }

        var query = HttpUtility.ParseQueryString(request.Query);
        var format = query["streamFormat"];
        var mappingName = query["mappingName"];
        lock (_gate)
        {
            var database = Database(db);
            var table = database.Tables.GetValueOrDefault(tableName);
            if (_faults.TakeStatus() is { } injected)
            {
                if (injected == 429 && table is not null)
                {
                    table.Throttled++;
                }

                return KustoAnswers.Injected(injected);
            }

            if (format is null || !(format.Equals("MultiJSON", StringComparison.OrdinalIgnoreCase) || format.Equals("JSON", StringComparison.OrdinalIgnoreCase)))
            {
                return KustoAnswers.BadRequest("BadRequest_InvalidArgument", $"streamFormat must be MultiJSON or JSON here, not '{format}'.");
            }

            if (table is null)
            {
                return KustoAnswers.BadRequest("BadRequest_EntityNotFound", $"Table '{tableName}' was not found in database '{db}'.");
            }

            if (!table.StreamingEnabled && !database.StreamingEnabled)
            {
                table.Rejected++;
                return KustoAnswers.BadRequest("BadRequest_StreamingIngestionPolicyNotEnabled", $"Streaming ingestion is not enabled on table '{tableName}'.");
            }

            if (mappingName is null || !table.Mappings.TryGetValue(mappingName, out var mapping))
            {
                table.Rejected++;
                return KustoAnswers.BadRequest("BadRequest_MappingReferenceWasNotFound", $"Mapping reference '{mappingName}' of type 'Json' in table '{tableName}' was not found.");
            }

            if (Data(request) is not { } data)
            {
                table.Rejected++;
                return KustoAnswers.Error(HttpStatusCode.RequestEntityTooLarge, "Stream_InputStreamTooLarge", $"The request's data is over {MaxIngestBytes} bytes.", permanent: true);
            }

            if (Lines(data, table, mapping) is not { } rows)
            {
                table.Rejected++;
                return KustoAnswers.BadRequest("BadRequest_InvalidJson", "A line of the body is not a JSON object.");
            }

            table.Rows.AddRange(rows);
            table.Ingests++;
            return KustoAnswers.Empty();
        }
    }

    /// <summary>The body, gunzipped when it says so; null when it is over the limit either way.</summary>
    private static byte[]? Data(EmulatorRequest request)
    {
        if (request.Body.Length > MaxIngestBytes)
        {
            return null;
        }

        if (!string.Equals(request.Header("Content-Encoding"), "gzip", StringComparison.OrdinalIgnoreCase))
        {
            return request.Body.ToArray();
        }

        using var gzip = new GZipStream(new MemoryStream(request.Body.ToArray()), CompressionMode.Decompress);
        using var data = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = gzip.Read(buffer)) > 0)
        {
            data.Write(buffer, 0, read);
            if (data.Length > MaxIngestBytes)
            {
                return null;
            }
        }

        return data.ToArray();
    }

    /// <summary>Each JSON object of the body (MultiJSON: one after another, any whitespace between) mapped to a row.</summary>
    private static List<JsonObject>? Lines(byte[] data, KustoTable table, IReadOnlyList<MappingColumn> mapping)
    {
        var rows = new List<JsonObject>();
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            while (reader.Read())
            {
                if (JsonNode.Parse(ref reader) is not JsonObject line)
                {
                    return null;
                }

                var row = new JsonObject();
                foreach (var column in table.Columns)
                {
                    var source = mapping.FirstOrDefault(m => m.Column == column.Name);
                    row[column.Name] = KustoValues.Convert(source is null ? null : KustoValues.Read(line, source.Path)?.DeepClone(), column.Type);
                }

                rows.Add(row);
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return rows;
    }

    private KustoDatabase Database(string name)
    {
        if (!_databases.TryGetValue(name, out var database))
        {
            database = _databases[name] = new KustoDatabase();
        }

        return database;
    }

    public IReadOnlyDictionary<string, TableStats> Stats()
    {
        lock (_gate)
        {
            return _databases.Values.SelectMany(d => d.Tables.Values)
                .GroupBy(t => t.Name)
                .ToDictionary(g => g.Key, g => new TableStats(g.Sum(t => (long)t.Rows.Count), g.Sum(t => t.Ingests), g.Sum(t => t.Throttled), g.Sum(t => t.Rejected)));
        }
    }

    /// <summary>A table's rows across databases, or a materialized view's, computed: the first row of each key.</summary>
    public IReadOnlyList<JsonElement> Rows(string table)
    {
        lock (_gate)
        {
            var rows = _databases.Values.SelectMany(d => d.Views.TryGetValue(table, out var view)
                ? d.Tables.TryGetValue(view.Source, out var source) ? source.Rows.DistinctBy(r => r[view.Key]?.ToJsonString()) : []
                : d.Tables.TryGetValue(table, out var t) ? t.Rows : []);
            return rows.Select(r => JsonSerializer.SerializeToElement(r)).ToArray();
        }
    }

    /// <summary>What a database holds besides rows, for tests of the bootstrap: tables with their mappings, views, functions, grants.</summary>
    public string Describe(string db)
    {
        lock (_gate)
        {
            var database = Database(db);
            var text = new StringBuilder();
            foreach (var table in database.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                text.AppendLine($"table {table.Name} ({string.Join(", ", table.Columns.Select(c => $"{c.Name}:{c.Type}"))}) streaming={table.StreamingEnabled} mappings={string.Join(",", table.Mappings.Keys.Order())}");
            }

            foreach (var view in database.Views.Values.OrderBy(v => v.Name, StringComparer.Ordinal))
            {
                text.AppendLine($"view {view.Name} on {view.Source} by {view.Key}");
            }

            foreach (var function in database.Functions.Keys.Order())
            {
                text.AppendLine($"function {function}");
            }

            foreach (var grant in database.Grants.Order())
            {
                text.AppendLine($"grant {grant}");
            }

            return text.ToString();
        }
    }
}
