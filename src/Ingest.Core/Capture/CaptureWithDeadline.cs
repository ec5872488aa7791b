using Ingest.Core.Domain;
using Ingest.Core.Storage;

namespace Ingest.Core.Capture;

/// <summary>
/// Capturing is the one step whose failure refuses a delivery (503), and Aloware never retries: a slow or briefly
/// refusing store is tried again, with backoff, until <see cref="CaptureOptions.Deadline"/>, well inside the
/// sender's timeout, before the webhook gives up.
/// </summary>
public static class CaptureWithDeadline
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(4);

    /// <exception cref="Exception">The store kept failing until the deadline: the last failure.</exception>
    public static async Task<CapturedDelivery> CaptureWithinAsync(this ICaptureQueue queue, IngestEnvelope envelope, TimeSpan deadline, TimeProvider clock, CancellationToken cancellationToken)
    {
        var giveUpAt = clock.GetUtcNow() + deadline;
        var pause = FirstPause;
        while (true)
        {
            // Each attempt ends at the deadline too: a store that hangs must not hold the answer past it.
            using var attempt = new CancellationTokenSource(Remaining(giveUpAt, clock), clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token, cancellationToken);
            try
            {
                return await queue.CaptureAsync(envelope, linked.Token);
            }
            catch (Exception e) when (e is TransientFaultException or OperationCanceledException
                && !cancellationToken.IsCancellationRequested && clock.GetUtcNow() + pause < giveUpAt)
            {
                await Task.Delay(pause, clock, cancellationToken);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    private static TimeSpan Remaining(DateTimeOffset giveUpAt, TimeProvider clock)
    {
        var left = giveUpAt - clock.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }
}
