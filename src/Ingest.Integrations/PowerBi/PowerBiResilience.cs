using System.Net;
using Ingest.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Ingest.Integrations.PowerBi;

/// <summary>
/// The resilience of FactEvent POSTs, on their HTTP client. Outermost a breaker over whole POSTs (after their
/// retries): <see cref="PowerBiWriterOptions.BreakerFailures"/> failed with none landing in a two-minute window open
/// it for <see cref="PowerBiWriterOptions.BreakerOpenFor"/>. Within it a bounded retry: 429 waits Retry-After (one
/// longer than <see cref="PowerBiWriterOptions.MaxRetryAfter"/> fails the rows to the redrive instead of holding
/// callers), 5xx, 408 and timeouts back off exponentially with jitter. 400 and 413 are the rows' fault and pass
/// through to the writer, which isolates the caller they belong to.
/// </summary>
public static class PowerBiResilience
{
    public const string PipelineName = "powerbi-factevent";

    /// <summary>Long enough to hold several failed POSTs of an outage (each up to four attempts with backoff).</summary>
    public static readonly TimeSpan BreakerSamplingWindow = TimeSpan.FromMinutes(2);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IServiceProvider services)
    {
        var writer = services.GetRequiredService<IOptions<PowerBiOptions>>().Value.Writer;
        var circuit = services.GetRequiredService<PowerBiCircuit>();
        var metrics = services.GetRequiredService<PowerBiMetrics>();
        var clock = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PowerBiResilience));

        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 1.0,
            MinimumThroughput = writer.BreakerFailures,
            SamplingDuration = BreakerSamplingWindow,
            BreakDuration = writer.BreakerOpenFor,
            ShouldHandle = args => ValueTask.FromResult(IsPowerBiFailure(args.Outcome, args.Context.CancellationToken)),
            OnOpened = args =>
            {
                circuit.Opened(args.BreakDuration);
                logger.LogError("Power BI failed {Failures} or more FactEvent POSTs with none landing: circuit open for {BreakDuration}", writer.BreakerFailures, args.BreakDuration);
                return default;
            },
            OnClosed = _ =>
            {
                circuit.Closed();
                return default;
            },
        });

        if (writer.MaxAttempts > 1)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = writer.MaxAttempts - 1,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // Only a 429 waits its Retry-After (capped by IsWorthRetrying; a second when it gives none); 5xx back off.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } throttled
                    ? RetryAfter(throttled, clock) ?? TimeSpan.FromSeconds(1)
                    : (TimeSpan?)null),
                ShouldHandle = args => ValueTask.FromResult(IsWorthRetrying(args.Outcome, writer.MaxRetryAfter, clock, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    var throttled = args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests;
                    metrics.Retried(throttled);
                    logger.LogWarning("A FactEvent POST failed ({Reason}); attempt {Attempt} of {MaxAttempts} in {Delay}",
                        Reason(args.Outcome), args.AttemptNumber + 2, writer.MaxAttempts, args.RetryDelay);
                    return default;
                },
            });
        }
    }

    /// <summary>Throttling within the cap, server faults, no answer, or no pending-POST slot: the same POST may land later.</summary>
    private static bool IsWorthRetrying(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter, TimeProvider clock, CancellationToken caller)
        => outcome.Result switch
        {
            { StatusCode: HttpStatusCode.TooManyRequests } throttled => RetryAfter(throttled, clock) is not { } wait || wait <= maxRetryAfter,
            { } response => response.StatusCode == HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500,
            null => IsTransportFailure(outcome.Exception, caller),
        };

    /// <summary>What counts toward the breaker: every failed POST except the rows' own fault (400, 413) and faults that are not Power BI's.</summary>
    private static bool IsPowerBiFailure(Outcome<HttpResponseMessage> outcome, CancellationToken caller)
        => outcome.Result is { } response
            ? !response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
            : IsTransportFailure(outcome.Exception, caller);

    private static bool IsTransportFailure(Exception? exception, CancellationToken caller) => exception switch
    {
        HttpRequestException => true,
        SinkFailedException { IsTransient: true } => true,
        OperationCanceledException => !caller.IsCancellationRequested,
        _ => false,
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider clock)
        => response.Headers.RetryAfter is { } header ? header.Delta ?? header.Date - clock.GetUtcNow() : null;

    private static string Reason(Outcome<HttpResponseMessage> outcome)
        => outcome.Result is { } response ? $"{(int)response.StatusCode} {response.ReasonPhrase}" : outcome.Exception?.Message ?? "unknown";
}
