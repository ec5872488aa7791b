namespace Ingest.Core.Domain;

/// <summary>The four metrics the dashboard counts against monthly goals.</summary>
public enum MetricId
{
    CALLS,
    TEXTS,
    EMAILS,
    CASES,
}
