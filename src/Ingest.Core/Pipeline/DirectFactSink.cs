using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.Core.Pipeline;

/// <summary>One write per delivery, straight to the sink's tables: simple, for a sink without a writer of its own.</summary>
public sealed class DirectFactSink(ISinkTables tables) : IFactSink
{
    public Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
        => tables.AppendRowsAsync(TableNames.FactEvent, rows, cancellationToken);
}
