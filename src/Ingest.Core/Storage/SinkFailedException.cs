namespace Ingest.Core.Storage;

/// <summary>
/// A write the sink answered with a failure. <see cref="MayHaveLanded"/> tells whether the rows could
/// still have been stored (a server error or gateway timeout) or surely were not (a refusal, throttling, unavailable).
/// A write that got no answer at all may have landed too.
/// </summary>
public abstract class SinkFailedException(string message, Exception? inner = null) : Exception(message, inner)
{
    public abstract bool MayHaveLanded { get; }

    /// <summary>Throttling, a server fault, a timeout: worth trying again later, not the rows' fault.</summary>
    public abstract bool IsTransient { get; }
}
