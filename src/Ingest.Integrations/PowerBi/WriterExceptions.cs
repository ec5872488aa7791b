using Ingest.Core.Storage;

namespace Ingest.Integrations.PowerBi;

/// <summary>Power BI is failing (the circuit is open, or retries ran out): the delivery stays captured for the redrive.</summary>
public sealed class PowerBiUnavailableException(string message, Exception? inner = null) : TransientFaultException(message, inner);

/// <summary>Power BI refused these rows themselves (400/413): nothing was stored and retrying cannot help, so the caller is told and the rows logged.</summary>
public sealed class RowsRejectedException(string message, Exception inner) : SinkFailedException(message, inner)
{
    public override bool MayHaveLanded => false;

    public override bool IsTransient => false;
}

/// <summary>No pending-POST slot came free in time: the request was never sent, and trying again later is safe.</summary>
public sealed class PostSlotTimeoutException(TimeSpan waited) : SinkFailedException($"No Power BI POST slot came free within {waited}; nothing was sent.")
{
    public override bool MayHaveLanded => false;

    public override bool IsTransient => true;
}
