using System.Globalization;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Ingest.Core.Pipeline;

/// <summary>A fact this request owns in the ledger until it completes or releases it.</summary>
public readonly record struct ClaimedFact(FactEventRow Row, string OwnerToken);

/// <summary>Claims, completes and releases facts in the two-phase ledger (docs/contracts.md, I3 and I4).</summary>
public sealed class LedgerStep(ILedger ledger, TimeProvider clock, ILogger<LedgerStep> logger)
{
    private static readonly ResiliencePropertyKey<string> EventKey = new("eventKey");

    /// <summary>A complete retried on any fault but cancellation, after each of <see cref="CompleteRetryDelays"/> in turn, on the injected clock.</summary>
    private readonly ResiliencePipeline<bool> _completing = new ResiliencePipelineBuilder<bool> { TimeProvider = clock }
        .AddRetry(new RetryStrategyOptions<bool>
        {
            MaxRetryAttempts = CompleteRetryDelays.Length,
            ShouldHandle = new PredicateBuilder<bool>().Handle<Exception>(e => e is not OperationCanceledException),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(CompleteRetryDelays[args.AttemptNumber]),
            OnRetry = args =>
            {
                logger.LogWarning(args.Outcome.Exception, "Completing {EventKey} failed after its rows landed (attempt {Attempt}); retrying",
                    args.Context.Properties.GetValue(EventKey, "?"), args.AttemptNumber + 1);
                return default;
            },
        })
        .Build();

    /// <returns>
    /// The facts this request now owns; repeats of completed facts; and facts another worker is still
    /// processing (not yet landed, so the delivery must stay captured until they are).
    /// </returns>
    public async Task<(IReadOnlyList<ClaimedFact> Claimed, int Duplicates, int HeldElsewhere)> ClaimAsync(
        IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
    {
        var claimed = new List<ClaimedFact>(rows.Count);
        var duplicates = 0;
        var heldElsewhere = 0;
        try
        {
            foreach (var row in rows)
            {
                var fingerprint = Fingerprint(row);
                var claim = await ledger.ClaimAsync(row.EventKey, fingerprint, cancellationToken);
                if (claim.Status == ClaimStatus.Acquired)
                {
                    claimed.Add(new ClaimedFact(row, claim.OwnerToken!));
                    continue;
                }

                if (claim.Status == ClaimStatus.InProgress)
                {
                    heldElsewhere++;
                }
                else
                {
                    duplicates++;
                }

                if (claim.ExistingFingerprint is { } first && first != fingerprint)
                {
                    logger.LogWarning(
                        "Repeat of {EventKey} disagrees with the first delivery: first {FirstFingerprint}, now {RepeatFingerprint}; the first stands",
                        row.EventKey, first, fingerprint);
                }
            }
        }
        catch
        {
            // Give back what this request took, so the redrive can claim it again at once.
            await ReleaseAsync(claimed, CancellationToken.None);
            throw;
        }

        return (claimed, duplicates, heldElsewhere);
    }

    /// <summary>Delays between attempts to complete: the rows already landed, so a brief store fault must not cost a second copy.</summary>
    public static readonly TimeSpan[] CompleteRetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)];

    /// <exception cref="Exception">The store stayed down through every retry: the facts complete when redriven, or land twice after the lease (docs/contracts.md, I4).</exception>
    public async Task CompleteAsync(IReadOnlyList<ClaimedFact> claimed, CancellationToken cancellationToken)
    {
        foreach (var fact in claimed)
        {
            if (!await CompleteWithRetriesAsync(fact, cancellationToken))
            {
                // The lease lapsed and another worker took the key over; its record stands.
                logger.LogWarning("Lost the ledger lease on {EventKey} before completing it; the new owner's record is kept", fact.Row.EventKey);
            }
        }
    }

    private async Task<bool> CompleteWithRetriesAsync(ClaimedFact fact, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(EventKey, fact.Row.EventKey);
        try
        {
            return await _completing.ExecuteAsync(
                static (context, state) => new ValueTask<bool>(state.ledger.CompleteAsync(state.fact.Row.EventKey, state.fact.OwnerToken, context.CancellationToken)),
                context, (ledger, fact));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Best effort: a release that fails leaves a lease that lapses by itself.</summary>
    public async Task ReleaseAsync(IReadOnlyList<ClaimedFact> claimed, CancellationToken cancellationToken)
    {
        foreach (var fact in claimed)
        {
            try
            {
                await ledger.ReleaseAsync(fact.Row.EventKey, fact.OwnerToken, cancellationToken);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not release the ledger claim on {EventKey}; it lapses with its lease", fact.Row.EventKey);
            }
        }
    }

    /// <summary>The countable content a repeat must agree with: who and which day.</summary>
    public static string Fingerprint(FactEventRow row)
        => string.Create(CultureInfo.InvariantCulture, $"agent={row.AgentID};date={row.DateKey}");
}
