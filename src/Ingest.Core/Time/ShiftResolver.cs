namespace Ingest.Core.Time;

/// <summary>Assigns a ShiftID to a local time from the stored shift rules.</summary>
public static class ShiftResolver
{
    /// <summary>The ShiftID of an event that falls in no shift.</summary>
    public const string NoShift = "NONE";

    /// <summary>The first rule in sort order that contains the time wins; rules are validated not to overlap.</summary>
    public static string Resolve(IReadOnlyList<ShiftRule> rules, DateTime local)
    {
        foreach (var rule in rules)
        {
            if (rule.Contains(local))
            {
                return rule.ShiftId;
            }
        }

        return NoShift;
    }
}
