using System.Text.Json;
using Ingest.Core.Storage;

namespace Ingest.Integrations.Eventhouse;

/// <summary>
/// The dimension tables in the Eventhouse: an append is a streaming ingestion (split under the request limit); a
/// replace is one <c>.set-or-replace</c> of a datatable, so readers see the old rows or the new, never an empty table.
/// </summary>
public sealed class EventhouseTables(EventhouseClient client, Microsoft.Extensions.Options.IOptions<EventhouseOptions> options) : ISinkTables
{
    public async Task AppendRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        var limit = options.Value.Writer.MaxBytesPerRequest;
        using var body = new MemoryStream();
        foreach (var row in rows)
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(row);
            if (body.Length > 0 && body.Length + line.Length + 1 > limit)
            {
                await client.IngestAsync(table, body.ToArray(), cancellationToken);
                body.SetLength(0);
            }

            body.Write(line);
            body.WriteByte((byte)'\n');
        }

        if (body.Length > 0)
        {
            await client.IngestAsync(table, body.ToArray(), cancellationToken);
        }
    }

    public async Task<long> ReplaceRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        var columns = EventhouseScripts.Tables.TryGetValue(table, out var known) ? known : throw new ArgumentException($"No table {table} in infra/fabric.", nameof(table));
        var details = await client.ExecuteAsync($".show table {table} details", cancellationToken);
        var before = details.First("TotalRowCount") is { } count && count.TryGetInt64(out var rowsBefore) ? rowsBefore : 0;
        var literal = KqlLiterals.DataTable(columns, rows.Select(r => JsonSerializer.SerializeToElement(r)));
        await client.ExecuteAsync($".set-or-replace {table} <| {literal}", cancellationToken);
        return before;
    }
}
