namespace Ingest.Core.Storage;

/// <summary>
/// The dashboard's tables as the core asks for them, whatever the sink: append rows, or replace a table's rows with
/// new ones (each sink decides how: one without an atomic replace deletes then adds).
/// </summary>
public interface ISinkTables
{
    /// <summary>Appends rows; property names of <typeparamref name="TRow"/> are the column names.</summary>
    Task AppendRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken);

    /// <summary>Replaces every row of the table with <paramref name="rows"/>.</summary>
    /// <returns>The rows the table held before, as far as the sink knows (a sink that cannot count them says how many this app added).</returns>
    Task<long> ReplaceRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken);
}
