namespace Ingest.Core.Adapters;

/// <summary>
/// Reads what a source's events leave out (owner, direction, pipeline state) from the source's API and
/// returns the candidates that count. It does I/O, so it runs after capture, like every downstream call.
/// </summary>
public interface IEventEnricher
{
    /// <exception cref="Exception">The source's API failed: the delivery stays captured and is redriven.</exception>
    Task<IReadOnlyList<CountableEvent>> EnrichAsync(IReadOnlyList<EnrichmentCandidate> candidates, CancellationToken cancellationToken);
}

/// <summary>
/// A source's API answered what is more likely a wrong read than the truth (none of the objects a delivery names):
/// the delivery is kept and tried again, its attempts counted; an admin run answers 503.
/// </summary>
public abstract class SourceReadSuspectException(string message) : Exception(message);
