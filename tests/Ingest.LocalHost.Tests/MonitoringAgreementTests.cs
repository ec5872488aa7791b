using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ingest.Integrations.PowerBi;
using Ingest.Core.Domain;
using Ingest.Core.Pipeline;
using Ingest.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// The alerts (infra/azure/monitoring.bicep) and the workbook (infra/azure/workbook.json) query metric names, dimensions
/// and status values; each must be one the code emits, or an alert would watch a series that never exists.
/// </summary>
public sealed partial class MonitoringAgreementTests
{
    private static readonly string Root = Ingest.Testing.ExternalTool.RepositoryRoot;

    [GeneratedRegex("""name\s*==\s*"([^"]+)"|name\s+in\s*\(([^)]*)\)""")]
    private static partial Regex MetricNames();

    [GeneratedRegex("""customDimensions\.(\w+)""")]
    private static partial Regex Dimensions();

    [GeneratedRegex("""customDimensions\.status\)\s*(?:==\s*"([^"]+)"|in\s*\(([^)]*)\))""")]
    private static partial Regex StatusValues();

    /// <summary>Every query: the alerts' KQL as written in the Bicep, the workbook's from its JSON.</summary>
    private static IReadOnlyList<string> Queries()
    {
        var bicep = File.ReadAllText(Path.Combine(Root, "infra", "azure", "monitoring.bicep"));
        var alerts = Regex.Matches(bicep, @"query: '((?:[^'\\]|\\.)*)'").Select(m => m.Groups[1].Value).ToArray();
        using var workbook = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "infra", "azure", "workbook.json")));
        var charts = workbook.RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("type").GetInt32() == 3)
            .Select(i => i.GetProperty("content").GetProperty("query").GetString()!).ToArray();
        Assert.Equal(7, alerts.Length);
        Assert.True(charts.Length >= 6, $"{charts.Length} workbook charts");
        return [.. alerts, .. charts];
    }

    private static IEnumerable<string> Quoted(Match match)
        => match.Groups.Values.Skip(1).Where(g => g.Success).SelectMany(g => g.Value.Split(',')).Select(v => v.Trim().Trim('"')).Where(v => v.Length > 0);

    /// <summary>What <see cref="IngestMetrics"/> and <see cref="PowerBiMetrics"/> emit when every one of their recordings happens: names, tag keys, status values.</summary>
    private static (HashSet<string> Names, HashSet<string> Tags, HashSet<string> Statuses) Emitted()
    {
        using var services = new ServiceCollection().AddIngestMetrics().BuildServiceProvider();
        var metrics = services.GetRequiredService<IngestMetrics>();
        var powerBi = new PowerBiMetrics(services.GetRequiredService<IMeterFactory>());
        var ours = services.GetRequiredService<IMeterFactory>();
        var (names, tags, statuses) = (new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this provider's meter: other hosts in this test run emit on a meter of the same name.
            if (instrument.Meter.Name == IngestMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, ours))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> measured)
        {
            lock (names)
            {
                names.Add(instrument.Name);
                foreach (var (key, value) in measured)
                {
                    tags.Add(key);
                    if (key == "status")
                    {
                        statuses.Add((string)value!);
                    }
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, _, t, _) => Record(i, t));
        listener.SetMeasurementEventCallback<int>((i, _, t, _) => Record(i, t));
        listener.SetMeasurementEventCallback<double>((i, _, t, _) => Record(i, t));
        listener.Start();

        foreach (var status in Enum.GetValues<IngestStatus>())
        {
            metrics.Delivery("aloware", status, TimeSpan.FromMilliseconds(5));
        }

        var fact = new FactEventRow
        {
            EventKey = "aloware#CALLS#1", Source = "aloware", MetricID = MetricId.CALLS, MetricMonthKey = "CALLS-202611", AgentID = 7, CommunicationID = 1,
            Direction = "Inbound", Disposition = "completed", OccurredAtUtc = DateTime.UtcNow, DateKey = 20261126, ShiftID = "NONE", IngestedAtUtc = DateTime.UtcNow,
        };
        metrics.Counted(new IngestOutcome(IngestStatus.Processed, 1, 1, 1, 0), [fact], [fact]);
        metrics.Refused("aloware", "wrong_credential");
        metrics.CaptureUnavailable("aloware");
        metrics.Poisoned("aloware");
        metrics.ReconcileFailed("hubspot");
        powerBi.Posted(10, TimeSpan.FromMilliseconds(300));
        powerBi.Retried(throttled: true);
        powerBi.CircuitOpened();
        powerBi.ObserveCircuit(() => true);
        var eventhouse = new Integrations.Eventhouse.EventhouseMetrics(services.GetRequiredService<IMeterFactory>());
        eventhouse.Posted(10, TimeSpan.FromMilliseconds(300));
        eventhouse.Retried(throttled: true);
        eventhouse.CircuitOpened();
        eventhouse.ObserveCircuit(() => true);
        listener.RecordObservableInstruments();
        return (names, tags, statuses);
    }

    [Fact]
    public void EveryMetricNameDimensionAndStatusQueriedIsOneTheCodeEmits()
    {
        var queries = Queries();
        var (names, tags, statuses) = Emitted();

        var queriedNames = queries.SelectMany(q => MetricNames().Matches(q)).SelectMany(Quoted).ToHashSet();
        var queriedTags = queries.SelectMany(q => Dimensions().Matches(q)).Select(m => m.Groups[1].Value).ToHashSet();
        var queriedStatuses = queries.SelectMany(q => StatusValues().Matches(q)).SelectMany(Quoted).ToHashSet();

        Assert.Empty(queriedNames.Except(names));
        Assert.Empty(queriedTags.Except(tags));
        Assert.Empty(queriedStatuses.Except(statuses));
        // The queries reach what the alerts are about: refusals, 503s, facts, poison, a failed reconciliation, the circuit, the quarantine.
        string[] watched = ["ingest.deliveries", "ingest.facts.posted", "ingest.poisoned", "ingest.reconcile.failed", "powerbi.circuit.open", "powerbi.circuit.opened",
            "eventhouse.circuit.open", "eventhouse.circuit.opened", "eventhouse.posts", "ingest.gated", "powerbi.posts", "powerbi.throttled", "eventhouse.throttled"];
        Assert.Empty(watched.Except(queriedNames));
        Assert.Empty(new[] { "refused", "unavailable", "deferred" }.Except(queriedStatuses));
    }
}
