using Ingest.Core.Domain;

namespace Ingest.Core.Adapters;

/// <summary>Classifies one source's deliveries and maps them to countable events. Pure: no I/O.</summary>
public interface IIngestAdapter
{
    /// <summary>The route value of <c>POST /api/webhook/{source}</c> this adapter serves.</summary>
    string Source { get; }

    AdapterResult Adapt(IngestEnvelope envelope);
}
