using System.Text.Json.Serialization;
using FluentValidation;
using Ingest.Core.Admin.Dimensions;
using Ingest.Core.Backfill;

namespace Ingest.Integrations.HubSpot;

/// <summary>Finds in HubSpot's CRM what its webhooks never delivered (docs/contracts.md, "Reconciliation").</summary>
public interface IHubSpotReconciler
{
    /// <param name="from">First business date, inclusive.</param>
    /// <param name="to">Last business date, inclusive.</param>
    Task<ReconcileSummary> ReconcileAsync(DateOnly from, DateOnly to, bool dryRun, string actor, byte[] payload, CancellationToken cancellationToken);
}

/// <summary>Without HubSpot there is nothing to reconcile: the route answers 404, as HubSpot's webhook does.</summary>
public sealed class UnconfiguredHubSpotReconciler : IHubSpotReconciler
{
    public Task<ReconcileSummary> ReconcileAsync(DateOnly from, DateOnly to, bool dryRun, string actor, byte[] payload, CancellationToken cancellationToken)
        => throw new AdminNotFoundException("HUBSPOT_CLIENT_SECRET", "HubSpot is not configured here (HUBSPOT_CLIENT_SECRET and HUBSPOT_ACCESS_TOKEN): there is nothing to reconcile.");
}

public sealed record ReconcileRequest(
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("dryRun")] bool DryRun);

public sealed record ReconcileSummary(
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("emails")] ReconcileCounts Emails,
    [property: JsonPropertyName("cases")] ReconcileCounts Cases,
    [property: JsonPropertyName("finished")] bool Finished = true,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);

/// <summary>
/// Per metric: objects the search found, and what counting them did (or, in a dry run, would do). <see cref="InProgress"/>
/// counts facts another worker still holds in the ledger: not known to have landed, so not in <see cref="AlreadyCounted"/>.
/// </summary>
public sealed record ReconcileCounts(
    [property: JsonPropertyName("found")] int Found,
    [property: JsonPropertyName("alreadyCounted")] int AlreadyCounted,
    [property: JsonPropertyName("added")] int Added,
    [property: JsonPropertyName("gated")] int Gated,
    [property: JsonPropertyName("inProgress")] int InProgress = 0)
{
    public static ReconcileCounts Of(int found, RecoveryRun run) => new(found, run.AlreadyCounted, run.Added, run.Gated, run.InProgress);
}

public sealed class ReconcileRequestValidator : AbstractValidator<ReconcileRequest>
{
    public const int MaxDays = 366;

    /// <param name="earliest">The first date the ledger still remembers (today less <c>Ledger__Retention</c>): before it, a
    /// fact the webhooks counted may be forgotten and would be counted again.</param>
    public ReconcileRequestValidator(DateOnly today, DateOnly earliest)
    {
        RuleFor(r => r.From).Must(d => AdminFormats.TryDate(d, out _)).WithMessage("Must be a date as yyyy-MM-dd.");
        RuleFor(r => r.From).Must(d => AdminFormats.TryDate(d, out var from) && from >= earliest).When(r => AdminFormats.TryDate(r.From, out _))
            .WithMessage($"Must be on or after {earliest:yyyy-MM-dd}: the ledger remembers what was counted for Ledger__Retention only, so older facts could be counted twice.");
        RuleFor(r => r.To).Must(d => AdminFormats.TryDate(d, out _)).WithMessage("Must be a date as yyyy-MM-dd.");
        RuleFor(r => r.To).Must((r, to) => Days(r) is >= 0 and < MaxDays).When(r => AdminFormats.TryDate(r.From, out _) && AdminFormats.TryDate(r.To, out _))
            .WithMessage($"Must be on or after from, and at most {MaxDays} days after it.");
        RuleFor(r => r.To).Must(to => AdminFormats.TryDate(to, out var date) && date <= today).When(r => AdminFormats.TryDate(r.To, out _))
            .WithMessage("Must not be in the future (in the business time zone).");
    }

    private static int Days(ReconcileRequest r)
    {
        AdminFormats.TryDate(r.From, out var from);
        AdminFormats.TryDate(r.To, out var to);
        return to.DayNumber - from.DayNumber;
    }
}
