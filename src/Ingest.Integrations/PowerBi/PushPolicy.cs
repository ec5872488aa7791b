using System.Net;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// The one owner of a POST rows request's pacing and failure policy. Every attempt takes its turn within the push
/// limits (<see cref="PushLimiter"/>), is never sent past its send-by, holds a pending-POST slot
/// (<see cref="PendingPostGate"/>) until answered, and only then reaches the HTTP client, which keeps the token and
/// the timeout. FactEvent POSTs also retry (429 after its Retry-After, up to <see cref="PowerBiWriterOptions.MaxRetryAfter"/>;
/// 5xx, 408 and timeouts with jittered backoff) and report each whole POST to the breaker (<see cref="PowerBiCircuit"/>).
/// 400 and 413 are the rows' own fault: neither retried nor counted against Power BI.
/// </summary>
public sealed class PushPolicy
{
    private readonly PushLimiter _limiter;
    private readonly PendingPostGate _gate;
    private readonly PowerBiCircuit _circuit;
    private readonly TimeProvider _clock;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    public PushPolicy(PushLimiter limiter, PendingPostGate gate, PowerBiCircuit circuit, IOptions<PowerBiOptions> options, PowerBiMetrics metrics, TimeProvider clock, ILogger<PushPolicy> logger)
    {
        (_limiter, _gate, _circuit, _clock) = (limiter, gate, circuit, clock);
        _retry = BuildRetry(options.Value.Writer, metrics, clock, logger);
    }

    /// <summary>
    /// Takes a FactEvent POST's first turn ahead of its batch, so the writer can wait for it and then take every row
    /// that came meanwhile; <see cref="SendFactRowsAsync"/> spends it on the first attempt.
    /// </summary>
    public async Task<PushTurn> TakeTurnAsync(CancellationToken cancellationToken)
    {
        await _limiter.AcquirePostAsync(cancellationToken);
        return new PushTurn();
    }

    /// <summary>A dimension POST: one attempt in its turn (a caller that fails re-runs the whole refresh).</summary>
    public Task<HttpResponseMessage> SendRowsAsync(Func<CancellationToken, Task<HttpResponseMessage>> send, int rows, CancellationToken cancellationToken)
        => AttemptAsync(send, rows, turn: null, sendBy: DateTimeOffset.MaxValue, cancellationToken);

    /// <summary>
    /// A FactEvent POST, retried within the limits and never sent after <paramref name="sendBy"/> (a claim that old may
    /// have been taken over, and posting then would land the facts twice); refused at once while the circuit is open.
    /// </summary>
    public async Task<HttpResponseMessage> SendFactRowsAsync(
        Func<CancellationToken, Task<HttpResponseMessage>> send, int rows, DateTimeOffset sendBy, PushTurn? turn, CancellationToken cancellationToken)
    {
        _circuit.ThrowIfOpen();
        var started = _clock.GetUtcNow();
        try
        {
            var response = await _retry.ExecuteAsync(
                async token => await AttemptAsync(send, rows, turn, sendBy, token), cancellationToken);
            if (IsPowerBiFailure(response))
            {
                _circuit.Failed(started);
            }
            else
            {
                _circuit.Landed(); // Power BI answered; a refusal of the rows is no outage
            }

            return response;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(e))
        {
            _circuit.Failed(started);
            throw;
        }
    }

    private async Task<HttpResponseMessage> AttemptAsync(
        Func<CancellationToken, Task<HttpResponseMessage>> send, int rows, PushTurn? turn, DateTimeOffset sendBy, CancellationToken cancellationToken)
    {
        if (turn?.TrySpend() != true)
        {
            await _limiter.AcquirePostAsync(cancellationToken);
        }

        await _limiter.AcquireRowsAsync(rows, cancellationToken);
        if (_clock.GetUtcNow() > sendBy)
        {
            throw new PowerBiUnavailableException($"A FactEvent POST was still waiting for its turn at {sendBy:O}; its deliveries are redriven instead.");
        }

        await using var slot = await _gate.EnterAsync(cancellationToken);
        return await send(cancellationToken);
    }

    private static ResiliencePipeline<HttpResponseMessage> BuildRetry(PowerBiWriterOptions writer, PowerBiMetrics metrics, TimeProvider clock, ILogger logger)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock };
        if (writer.MaxAttempts > 1)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = writer.MaxAttempts - 1,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // Only a 429 waits its Retry-After (capped by IsWorthRetrying; a second when it gives none); 5xx back off.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } throttled
                    ? RetryAfter(throttled, clock) ?? TimeSpan.FromSeconds(1)
                    : (TimeSpan?)null),
                ShouldHandle = args => ValueTask.FromResult(IsWorthRetrying(args.Outcome, writer.MaxRetryAfter, clock, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    metrics.Retried(throttled: args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests);
                    logger.LogWarning("A FactEvent POST failed ({Reason}); attempt {Attempt} of {MaxAttempts} in {Delay}",
                        Reason(args.Outcome), args.AttemptNumber + 2, writer.MaxAttempts, args.RetryDelay);
                    return default;
                },
            });
        }

        return pipeline.Build();
    }

    /// <summary>Throttling within the cap, server faults, no answer, or no pending-POST slot: the same POST may land later.</summary>
    private static bool IsWorthRetrying(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter, TimeProvider clock, CancellationToken caller)
        => outcome.Result switch
        {
            { StatusCode: HttpStatusCode.TooManyRequests } throttled => RetryAfter(throttled, clock) is not { } wait || wait <= maxRetryAfter,
            { } response => response.StatusCode == HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500,
            null => !caller.IsCancellationRequested && IsTransportFailure(outcome.Exception),
        };

    /// <summary>What counts toward the breaker: every failed POST except the rows' own fault (400, 413).</summary>
    private static bool IsPowerBiFailure(HttpResponseMessage response)
        => !response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge);

    /// <summary>No answer (a refused connection, the client's timeout) or no pending-POST slot; not a POST past its send-by.</summary>
    private static bool IsTransportFailure(Exception? exception) => exception is HttpRequestException or OperationCanceledException or SinkFailedException { IsTransient: true };

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock)
        => response.Headers.RetryAfter is { } header ? header.Delta ?? header.Date - clock.GetUtcNow() : null;

    private static string Reason(Outcome<HttpResponseMessage> outcome)
        => outcome.Result is { } response ? $"{(int)response.StatusCode} {response.ReasonPhrase}" : outcome.Exception?.Message ?? "unknown";
}

/// <summary>A POST turn the writer took ahead of its batch; the first attempt spends it, every retry takes its own.</summary>
public sealed class PushTurn
{
    private int _spent;

    internal bool TrySpend() => Interlocked.Exchange(ref _spent, 1) == 0;
}
