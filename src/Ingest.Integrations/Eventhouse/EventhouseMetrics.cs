using System.Diagnostics.Metrics;
using Ingest.Integrations.Sinks;

namespace Ingest.Integrations.Eventhouse;

/// <summary>The <c>eventhouse.*</c> instruments, the same as Power BI's under another prefix (docs/operations.md, "Alerts").</summary>
public sealed class EventhouseMetrics(IMeterFactory meters) : SinkMetrics(meters, "eventhouse", "the Eventhouse");
