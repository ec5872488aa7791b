using System.Diagnostics.Metrics;
using Ingest.Integrations.Sinks;

namespace Ingest.Integrations.PowerBi;

/// <summary>The <c>powerbi.*</c> instruments (docs/operations.md, "Alerts").</summary>
public sealed class PowerBiMetrics(IMeterFactory meters) : SinkMetrics(meters, "powerbi", "Power BI");
