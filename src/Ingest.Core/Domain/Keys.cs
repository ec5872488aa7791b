using System.Globalization;

namespace Ingest.Core.Domain;

/// <summary>The keys that join facts to dimensions and make a communication count once.</summary>
public static class Keys
{
    /// <summary>The semantic ledger key and the fact's EventKey: never a hash of the body (docs/contracts.md, I3).</summary>
    public static string EventKey(string source, MetricId metric, long communicationId)
        => string.Create(CultureInfo.InvariantCulture, $"{source}#{metric}#{communicationId}");

    /// <summary>yyyymmdd of a local calendar date.</summary>
    public static int DateKey(DateOnly date) => date.Year * 10000 + date.Month * 100 + date.Day;

    /// <summary>yyyymm of a local calendar month.</summary>
    public static int MonthKey(int year, int month) => year * 100 + month;

    /// <summary>Joins a fact to its month's goal row in DimMetric, e.g. CALLS-202612.</summary>
    public static string MetricMonthKey(MetricId metric, int monthKey)
        => string.Create(CultureInfo.InvariantCulture, $"{metric}-{monthKey}");

    public static DateOnly DateFromKey(int dateKey)
        => new(dateKey / 10000, dateKey / 100 % 100, dateKey % 100);
}
