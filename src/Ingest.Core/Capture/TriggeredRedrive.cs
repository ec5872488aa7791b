using Ingest.Core.Domain;
using Ingest.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Ingest.Core.Capture;

/// <summary>
/// One queue-triggered redrive of a captured delivery (the Functions app's <c>Redrive</c> function): a message becomes
/// visible only when its request gave up (deferred) or its worker died. An outage or another worker's claim postpones
/// it with a fresh attempt count; other failures throw, so the host retries; the last allowed failure poisons it here,
/// with no expiry, before the host's own move (which would keep it only 7 days).
/// </summary>
public sealed class TriggeredRedrive(ITriggeredCaptures captures, Redriver redriver, IngestMetrics metrics, ILogger<TriggeredRedrive> logger)
{
    /// <exception cref="RedriveFailedException">The attempt failed and attempts remain: the host makes the message visible again.</exception>
    public async Task RunAsync(string messageId, string messageText, long dequeueCount, CancellationToken cancellationToken)
    {
        try
        {
            await RedriveAsync(messageText, dequeueCount, cancellationToken);
        }
        catch (Exception e) when (e is not RedriveFailedException && redriver.IsLastAttempt(dequeueCount) && !cancellationToken.IsCancellationRequested)
        {
            // Whatever failed on the last attempt (a postpone that could not be sent, a body that could not be read),
            // the host's own poison move would keep the message 7 days; ours keeps it until an admin replays it.
            logger.LogError(e, "The last redrive attempt of message {MessageId} failed; moved to the poison queue", messageId);
            await PoisonUnknownAsync(messageText, cancellationToken);
        }
    }

    /// <summary>Poisons a message whose source is not known here (it could not be opened, or the last attempt failed outside the redrive).</summary>
    private async Task PoisonUnknownAsync(string messageText, CancellationToken cancellationToken)
    {
        await captures.PoisonAsync(messageText, cancellationToken);
        metrics.Poisoned("unknown");
    }

    private async Task RedriveAsync(string messageText, long dequeueCount, CancellationToken cancellationToken)
    {
        if (redriver.SinkRefuses)
        {
            // Checked before opening, so an open circuit costs no claim-check download and no attempt.
            await captures.PostponeAsync(messageText, redriver.PostponeFor, cancellationToken);
            return;
        }

        IngestEnvelope envelope;
        try
        {
            envelope = await captures.OpenAsync(messageText, cancellationToken);
        }
        catch (CaptureSettledException)
        {
            return; // another copy settled it; the host deletes this one
        }
        catch (CaptureUnreadableException e)
        {
            // Retrying cannot help, and the host's own poisoning would let the message expire.
            logger.LogError(e, "A captured delivery cannot be read; moved to the poison queue");
            await PoisonUnknownAsync(messageText, cancellationToken);
            return;
        }

        await redriver.ApplyAsync(envelope, dequeueCount, new TriggeredCapture(captures, messageText), cancellationToken);
    }

    /// <summary>A message the host handed over: the host deletes it when the function returns and retries it when it throws.</summary>
    private sealed class TriggeredCapture(ITriggeredCaptures captures, string messageText) : IRedrivenCapture
    {
        public Task SettleAsync(CancellationToken cancellationToken) => captures.ForgetBodyAsync(messageText);

        public Task PostponeAsync(TimeSpan delay, CancellationToken cancellationToken) => captures.PostponeAsync(messageText, delay, cancellationToken);

        public Task PoisonAsync(CancellationToken cancellationToken) => captures.PoisonAsync(messageText, cancellationToken);

        public Task FailedAsync(IngestEnvelope envelope, long attempt) => throw new RedriveFailedException(envelope.RequestId, attempt);
    }
}
