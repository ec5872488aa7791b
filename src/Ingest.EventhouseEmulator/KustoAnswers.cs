using System.Net;
using System.Text.Json;
using Ingest.PowerBiEmulator;

namespace Ingest.EventhouseEmulator;

/// <summary>Answers in the service's shapes: a v1 result (<c>{"Tables":[...]}</c>), or a OneApiError with <c>@permanent</c>.</summary>
internal static class KustoAnswers
{
    public static EmulatorResponse Ok(IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
        => EmulatorResponse.Ok(JsonSerializer.Serialize(new
        {
            Tables = new[]
            {
                new
                {
                    TableName = "Table_0",
                    Columns = columns.Select(c => new { ColumnName = c, DataType = "String" }).ToArray(),
                    Rows = rows.ToArray(),
                },
            },
        }));

    public static EmulatorResponse Empty() => Ok([], []);

    public static EmulatorResponse Error(HttpStatusCode status, string code, string message, bool permanent, TimeSpan? retryAfter = null)
        => new((int)status, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["error"] = new Dictionary<string, object>
            {
                ["code"] = code,
                ["message"] = message,
                ["@type"] = "Kusto.DataNode.Exceptions." + code,
                ["@message"] = message,
                ["@permanent"] = permanent,
            },
        }), retryAfter);

    /// <summary>400, permanent: retrying the same request cannot help.</summary>
    public static EmulatorResponse BadRequest(string code, string message) => Error(HttpStatusCode.BadRequest, code, message, permanent: true);

    /// <summary>An injected fault: 429 is the service's throttling (retry after a second); other 4xx are permanent, as the service marks a refusal; 5xx are not.</summary>
    public static EmulatorResponse Injected(int status)
        => status == 429
            ? Error(HttpStatusCode.TooManyRequests, "General_ThrottledIngestion", "The ingestion was throttled (injected by a test).", permanent: false, TimeSpan.FromSeconds(1))
            : Error((HttpStatusCode)status, status == 503 ? "ServiceUnavailable" : "InjectedFault", "A fault injected by a test.", permanent: status is >= 400 and < 500 and not 408);
}
