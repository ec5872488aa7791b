using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Ingest.Integrations.Eventhouse;

/// <summary>
/// A typed client over the Kusto REST API an Eventhouse serves at its query URI (the Kusto SDK does not restore
/// here): streaming ingestion of MultiJSON through a table's pre-created JSON mapping, gzipped, and control
/// commands. Every request carries an <c>x-ms-client-request-id</c>. 429, 5xx and errors the service does not mark
/// <c>@permanent</c> are retried with jittered backoff (429 after its Retry-After, up to
/// <see cref="EventhouseWriterOptions.MaxRetryAfter"/>); a permanent error is thrown at once.
/// </summary>
public sealed class EventhouseClient
{
    public const string HttpClientName = "Eventhouse";

    /// <summary>A streaming ingestion answers in about a second; one not answered in this is treated as failed (and retried).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly IHttpClientFactory _http;
    private readonly EventhouseOptions _options;
    private readonly ResiliencePipeline _retry;
    private readonly TimeProvider _clock;

    public EventhouseClient(IHttpClientFactory http, IOptions<EventhouseOptions> options, EventhouseMetrics metrics, TimeProvider clock, ILogger<EventhouseClient> logger)
    {
        (_http, _options, _clock) = (http, options.Value, clock);
        _retry = BuildRetry(_options.Writer, metrics, clock, logger);
    }

    /// <summary>The JSON ingestion mapping every table has (infra/fabric/02-mappings.kql).</summary>
    public static string MappingOf(string table) => table + "_json";

    /// <summary>Ingests MultiJSON rows (one JSON object per line) into <paramref name="table"/>; no attempt starts after <paramref name="sendBy"/>.</summary>
    /// <exception cref="EventhouseException">The service refused the rows, or kept failing.</exception>
    /// <exception cref="EventhouseUnavailableException">The send-by passed before an attempt could start.</exception>
    public Task IngestAsync(string table, ReadOnlyMemory<byte> multiJson, CancellationToken cancellationToken, DateTimeOffset? sendBy = null)
        => SendAsync(() =>
        {
            var content = new ByteArrayContent(Gzip(multiJson));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            content.Headers.ContentEncoding.Add("gzip");
            var path = $"v1/rest/ingest/{Uri.EscapeDataString(_options.Database)}/{Uri.EscapeDataString(table)}?streamFormat=MultiJSON&mappingName={Uri.EscapeDataString(MappingOf(table))}";
            return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        }, cancellationToken, sendBy);

    /// <summary>Runs one control command in the database; returns its first result table.</summary>
    public async Task<KustoResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        var body = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "v1/rest/mgmt")
        {
            Content = JsonContent.Create(new { db = _options.Database, csl = command }),
        }, cancellationToken);
        using var result = JsonDocument.Parse(body);
        if (!result.RootElement.TryGetProperty("Tables", out var tables) || tables.GetArrayLength() == 0)
        {
            return new KustoResult([], []);
        }

        return new KustoResult(
            tables[0].GetProperty("Columns").EnumerateArray().Select(c => c.GetProperty("ColumnName").GetString()!).ToArray(),
            tables[0].GetProperty("Rows").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.Clone()).ToArray()).ToArray());
    }

    private async Task<byte[]> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken, DateTimeOffset? sendBy = null)
        => await _retry.ExecuteAsync(async token =>
        {
            if (_clock.GetUtcNow() > sendBy)
            {
                // Rows whose ledger claims may have been taken over by now must not go out: the redrive sends them.
                throw new EventhouseUnavailableException($"FactEvent rows were still waiting to be sent at {sendBy:O}; their deliveries are redriven instead.");
            }

            using var request = build();
            var requestId = "Ingest.Functions;" + Guid.NewGuid();
            request.Headers.Add("x-ms-client-request-id", requestId);
            using var response = await _http.CreateClient(HttpClientName).SendAsync(request, token);
            var body = await response.Content.ReadAsByteArrayAsync(token);
            return response.IsSuccessStatusCode ? body : throw Refusal(response, body, requestId);
        }, cancellationToken);

    private EventhouseException Refusal(HttpResponseMessage response, byte[] body, string requestId)
    {
        string? code = null, message = null;
        bool? permanent = null;
        try
        {
            using var error = JsonDocument.Parse(body);
            if (error.RootElement.TryGetProperty("error", out var e))
            {
                code = e.TryGetProperty("code", out var c) ? c.GetString() : null;
                message = e.TryGetProperty("message", out var m) ? m.GetString() : null;
                permanent = e.TryGetProperty("@permanent", out var p) && p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : null;
            }
        }
        catch (JsonException)
        {
            // Not a OneApiError (a proxy's page): the status still tells the story.
        }

        var retryAfter = response.Headers.RetryAfter is { } header ? header.Delta ?? header.Date - _clock.GetUtcNow() : null;
        return new EventhouseException(response.StatusCode, code, message ?? response.ReasonPhrase, permanent, requestId) { RetryAfter = retryAfter };
    }

    private static ResiliencePipeline BuildRetry(EventhouseWriterOptions writer, EventhouseMetrics metrics, TimeProvider clock, ILogger logger)
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (writer.MaxAttempts > 1)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = writer.MaxAttempts - 1,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // The service's Retry-After wherever it gives one (a 429, a 503); a 429 without one waits a second; else back off.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    EventhouseException { RetryAfter: { } wait } => wait,
                    EventhouseException { Status: HttpStatusCode.TooManyRequests } => TimeSpan.FromSeconds(1),
                    _ => (TimeSpan?)null,
                }),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    EventhouseException refused => refused.IsTransient && !(refused.RetryAfter > writer.MaxRetryAfter),
                    HttpRequestException => true,
                    OperationCanceledException => !args.Context.CancellationToken.IsCancellationRequested, // the client's timeout
                    _ => false,
                }),
                OnRetry = args =>
                {
                    metrics.Retried(throttled: args.Outcome.Exception is EventhouseException { Status: HttpStatusCode.TooManyRequests });
                    logger.LogWarning("An Eventhouse request failed ({Reason}); attempt {Attempt} of {MaxAttempts} in {Delay}",
                        args.Outcome.Exception?.Message, args.AttemptNumber + 2, writer.MaxAttempts, args.RetryDelay);
                    return default;
                },
            });
        }

        return pipeline.Build();
    }

    private static byte[] Gzip(ReadOnlyMemory<byte> data)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data.Span);
        }

        return compressed.ToArray();
    }
}

/// <summary>A control command's first result table: column names and rows.</summary>
public sealed record KustoResult(IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows)
{
    /// <summary>The first row's value of <paramref name="column"/>, if there is one.</summary>
    public JsonElement? First(string column)
        => Rows.Count > 0 && Columns.ToList().IndexOf(column) is var at and >= 0 && at < Rows[0].Length ? Rows[0][at] : null;
}
