using Ingest.Core.Configuration;
using Ingest.Integrations.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// Group commit for FactEvent into Power BI (<see cref="CoalescingWriter"/>), at most
/// <see cref="PowerBiWriterOptions.MaxPendingPosts"/> POSTs in flight. Each batch waits for its first POST's turn
/// before it is taken, so it holds every row that came meanwhile. Sending a batch, and isolating a caller whose rows
/// Power BI refuses, is <see cref="FactBatchPoster"/>'s; retries, the push limits and the breaker are <see cref="PushPolicy"/>'s.
/// </summary>
public sealed class CoalescingFactWriter : CoalescingWriter
{
    private readonly FactBatchPoster _poster;
    private readonly PushPolicy _push;

    public CoalescingFactWriter(
        PowerBiRestClient client, DatasetBootstrap dataset, PushLimiter limiter, PushPolicy push, PowerBiCircuit circuit, IOptions<PowerBiOptions> options, TimeProvider clock,
        PowerBiMetrics metrics, ILogger<CoalescingFactWriter> logger, IOptions<LedgerOptions>? ledger = null)
        : base(Limits(options.Value.Writer), options.Value.Writer.MaxPendingPosts, PowerBiRestClient.FactRowsMaxWait(ledger), circuit, metrics, clock, logger)
    {
        _push = push;
        _poster = new FactBatchPoster(client, dataset, limiter, metrics, clock, logger, MaxWait);
    }

    private static BatchLimits Limits(PowerBiWriterOptions writer)
        => new(writer.MaxQueuedRows, writer.MaxRowsPerPost, writer.MaxBytesPerPost, writer.FlushWindow);

    /// <summary>The first POST's turn, taken before the batch; retries and isolating a bad caller take turns of their own.</summary>
    private protected override async Task<Func<FactSubmission[], Task>> ReserveSendAsync(CancellationToken stopping)
    {
        var turn = await _push.TakeTurnAsync(stopping);
        return batch => _poster.SendAsync(batch, turn, Stopping);
    }

    protected override Exception Unavailable(string message, Exception? inner = null) => new PowerBiUnavailableException(message, inner);
}
