namespace Ingest.Core.Storage;

/// <summary>The push dataset's tables (Power BI today; the seam that a successor such as Fabric would fill).</summary>
public interface IPushTables
{
    /// <summary>Appends rows; property names of <typeparamref name="TRow"/> are the column names.</summary>
    Task AddRowsAsync<TRow>(string table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken);

    /// <summary>Deletes every row of the table (the push API has no selective delete).</summary>
    Task DeleteRowsAsync(string table, CancellationToken cancellationToken);
}
