using System.Text.Json.Serialization;
using Ingest.Core.Backfill;

namespace Ingest.Integrations.Aloware;

/// <summary>
/// A backfill's answer (docs/contracts.md, "Backfill"); with <see cref="DryRun"/>, <see cref="Added"/> is what would be.
/// <see cref="InProgress"/> counts facts another worker still holds: not known to have landed, so not in <see cref="AlreadyCounted"/>.
/// A run that reached its deadline has <see cref="Finished"/> false and a <see cref="Detail"/> saying to run it again.
/// </summary>
public sealed record BackfillSummary(
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("countable")] int Countable,
    [property: JsonPropertyName("alreadyCounted")] int AlreadyCounted,
    [property: JsonPropertyName("added")] int Added,
    [property: JsonPropertyName("gated")] int Gated,
    [property: JsonPropertyName("ignored")] int Ignored,
    [property: JsonPropertyName("unmatchedAgents")] IReadOnlyList<string> UnmatchedAgents,
    [property: JsonPropertyName("errors")] IReadOnlyList<BackfillError> Errors,
    [property: JsonPropertyName("errorCount")] int ErrorCount,
    [property: JsonPropertyName("inProgress")] int InProgress,
    [property: JsonPropertyName("finished")] bool Finished,
    [property: JsonPropertyName("stoppedAfterLine"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StoppedAfterLine,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);

public sealed record BackfillError(
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>The running counts of one backfill.</summary>
internal sealed class BackfillTally
{
    /// <summary>docs/contracts.md, "Backfill": at most 100 errors listed; <see cref="BackfillSummary.ErrorCount"/> gives them all.</summary>
    public const int MaxErrorsListed = 100;

    private readonly List<BackfillError> _errors = [];
    private int _errorCount;

    public int Rows { get; set; }

    public int Countable { get; set; }

    public int Ignored { get; set; }

    public SortedSet<string> Unmatched { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Set when the run's deadline stopped it: the export's last line it read.</summary>
    public int? StoppedAfterLine { get; set; }

    public void Note(ExportRow row)
    {
        if (row.Kind == ExportRowKind.Ignored)
        {
            Ignored++;
        }
        else
        {
            Error(row.Line, row.Reason!);
        }
    }

    public void Error(int line, string reason)
    {
        if (++_errorCount <= MaxErrorsListed)
        {
            _errors.Add(new BackfillError(line, reason));
        }
    }

    public BackfillSummary Summary(bool dryRun, RecoveryRun counted)
        => new(dryRun, Rows, Countable, counted.AlreadyCounted, counted.Added, counted.Gated, Ignored, [.. Unmatched], _errors, _errorCount,
            counted.InProgress, StoppedAfterLine is null, StoppedAfterLine,
            StoppedAfterLine is { } line ? RecoveryAnswers.StoppedEarly($"after line {line} of the export", NextCall(line, dryRun)) : null);

    /// <summary>The call that counts the rest: a preview's next call previews too.</summary>
    private static string NextCall(int line, bool dryRun)
        => dryRun
            ? $"the same export with ?dryRun=true&afterLine={line} (ingest-admin backfill aloware --dry-run --after-line {line})"
            : $"the same export with ?afterLine={line} (ingest-admin backfill aloware --after-line {line})";
}
