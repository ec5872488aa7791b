using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.Core.Pipeline;

/// <summary>One push request per delivery. Simple, and capped by the push limits; the coalescing writer replaces it.</summary>
public sealed class DirectFactSink(IPushTables tables) : IFactSink
{
    public Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
        => tables.AddRowsAsync(TableNames.FactEvent, rows, cancellationToken);
}
