using System.Diagnostics.Metrics;
using System.Xml;
using Ingest.Core.Telemetry;
using Ingest.Integrations.PowerBi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// The "Power BI circuit" alert on what the exporter sends of an outage: Power BI's breaker opens for its break
/// (PowerBi__Writer__BreakerOpenFor), half-opens, and the next redrive's trial fails and opens it again. The gauge,
/// sampled once a minute, reads 0 whenever a sample falls on a half-open moment, so a rule asking every sample to
/// read open never fires; the rule deployed counts opens per instance instead. The samples are recorded from the
/// real <see cref="PowerBiCircuit"/> and <see cref="IngestMetrics"/> on a fake clock; the rule's window, frequency and
/// threshold are read from the compiled template.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MonitoringCircuitAlertTests
{
    private const string Gauge = "powerbi.circuit.open";
    private const string Opens = "powerbi.circuit.opened";

    /// <summary>Azure Monitor's exporter sends the app's metrics once a minute.</summary>
    private static readonly TimeSpan ExportInterval = TimeSpan.FromMinutes(1);

    private static readonly DateTimeOffset Start = new(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Recorded = TimeSpan.FromMinutes(45);
    private static readonly TimeSpan OutageFrom = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan OutageLength = TimeSpan.FromMinutes(15);

    /// <summary>One customMetrics row: a gauge reading (valueCount 1), or the opens counted since the last export.</summary>
    private sealed record Row(DateTimeOffset Timestamp, string Instance, string Name, double ValueSum, int ValueCount);

    private sealed record Rule(TimeSpan Window, TimeSpan Frequency, double Threshold, string Query, string Operator);

    private static async Task<Rule> CircuitRuleAsync()
    {
        var monitoring = await BicepCli.MonitoringAsync();
        var circuit = monitoring.Evaluate(ArmExpression.Of("[variables('alerts')]"))!.AsArray().Single(a => a!["key"]!.GetValue<string>() == "circuit")!;
        var rules = BicepCli.Resources(monitoring.Template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Insights/scheduledQueryRules");
        var criterion = rules["properties"]!["criteria"]!["allOf"]![0]!;
        return new Rule(
            XmlConvert.ToTimeSpan(circuit["window"]!.GetValue<string>()),
            XmlConvert.ToTimeSpan(circuit["frequency"]!.GetValue<string>()),
            double.Parse(circuit["threshold"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
            circuit["query"]!.GetValue<string>(),
            criterion["operator"]!.GetValue<string>());
    }

    private static async Task<TimeSpan> BreakerOpenForAsync()
        => TimeSpan.Parse((await BicepCli.AppSettingsAsync())["PowerBi__Writer__BreakerOpenFor"].String!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The breaker's moves in an outage of <paramref name="length"/> from <paramref name="from"/>: open for its break; the
    /// redrive postpones a delivery one second past it, and that delivery's POST is the trial, which fails after
    /// <paramref name="trial"/> (its retries included) and opens the breaker again; the first trial after the outage closes it.
    /// </summary>
    private static IEnumerable<(TimeSpan At, bool Opens)> Outage(TimeSpan from, TimeSpan length, TimeSpan openFor, TimeSpan trial)
    {
        var at = from;
        while (at < from + length)
        {
            yield return (at, true);
            at += openFor + TimeSpan.FromSeconds(1) + trial;
        }

        yield return (at, false);
    }

    /// <summary>What one instance exports, second by fake second: the gauge at each export, and the opens since the previous one.</summary>
    private static List<Row> Record(string instance, IEnumerable<(TimeSpan At, bool Opens)> moves, TimeSpan openFor, TimeSpan exportPhase)
    {
        var clock = new FakeTimeProvider(Start);
        using var services = new ServiceCollection().AddIngestMetrics().BuildServiceProvider();
        var metrics = new PowerBiMetrics(services.GetRequiredService<IMeterFactory>());
        // One failed POST opens it here, so each move below is one open (or one landing that closes it).
        var writer = new PowerBiOptions { Writer = { BreakerFailures = 1, BreakerOpenFor = openFor } };
        var circuit = new PowerBiCircuit(Options.Create(writer), clock, metrics, NullLogger<PowerBiCircuit>.Instance);
        var ours = services.GetRequiredService<IMeterFactory>();

        var rows = new List<Row>();
        double opens = 0, reading = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this provider's meter: other tests in this run record on meters of the same name.
            if (ReferenceEquals(instrument.Meter.Scope, ours) && instrument.Name is Gauge or Opens)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Measured(Instrument instrument, double value)
        {
            if (instrument.Name == Opens)
            {
                opens += value;
            }
            else
            {
                reading = value;
            }
        }

        listener.SetMeasurementEventCallback<int>((i, v, _, _) => Measured(i, v));
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => Measured(i, v));
        listener.Start();

        var pending = new Queue<(TimeSpan At, bool Opens)>(moves.OrderBy(m => m.At));
        for (var second = TimeSpan.Zero; second <= Recorded; second += TimeSpan.FromSeconds(1))
        {
            clock.SetUtcNow(Start + second);
            while (pending.TryPeek(out var move) && move.At <= second)
            {
                pending.Dequeue();
                if (move.Opens)
                {
                    circuit.Failed(clock.GetUtcNow());
                }
                else
                {
                    circuit.Landed();
                }
            }

            if ((second - exportPhase).Ticks % ExportInterval.Ticks == 0 && second >= exportPhase)
            {
                listener.RecordObservableInstruments();
                rows.Add(new Row(clock.GetUtcNow(), instance, Gauge, reading, 1));
                if (opens > 0)
                {
                    rows.Add(new Row(clock.GetUtcNow(), instance, Opens, opens, 1));
                    opens = 0;
                }
            }
        }

        return rows;
    }

    /// <summary>
    /// The query's logic: the opens each instance reported within the window, summed (sum(valueSum) by
    /// cloud_RoleInstance); the rule fires when the largest is greater than the threshold.
    /// </summary>
    private static bool Fires(IEnumerable<Row> rows, DateTimeOffset at, Rule rule)
        => rows.Where(r => r.Name == Opens && r.Timestamp > at - rule.Window && r.Timestamp <= at)
            .GroupBy(r => r.Instance).Select(g => g.Sum(r => r.ValueSum)).DefaultIfEmpty(0).Max() > rule.Threshold;

    private static IEnumerable<DateTimeOffset> Evaluations(Rule rule)
    {
        for (var at = Start + rule.Window; at <= Start + Recorded; at += rule.Frequency)
        {
            yield return at;
        }
    }

    [Fact]
    public async Task TheDeployedQueryIsTheRuleEvaluatedHere()
    {
        var rule = await CircuitRuleAsync();

        // What Fires() evaluates: opens summed per instance, the largest against the threshold; either sink's opens count.
        Assert.Contains($"name in (\"{Opens}\", \"eventhouse.circuit.opened\")", rule.Query, StringComparison.Ordinal);
        Assert.Contains("sum(valueSum) by cloud_RoleInstance", rule.Query, StringComparison.Ordinal);
        Assert.EndsWith("summarize value = max(opens)", rule.Query, StringComparison.Ordinal);
        Assert.Equal("GreaterThan", rule.Operator);
        Assert.InRange(rule.Threshold, 1, 10);
    }

    [Theory]
    [InlineData("503s", 2)] // each POST answered at once, retried three times with short backoff
    [InlineData("timeouts", 122)] // each of the four attempts waits out the 30 s request timeout
    public async Task AFifteenMinuteOutageFiresWithinOneWindowAndStaysFiredUntilItEnds(string kind, int trialSeconds)
    {
        var rule = await CircuitRuleAsync();
        var openFor = await BreakerOpenForAsync();
        var rows = Record("instance-a", Outage(OutageFrom, OutageLength, openFor, TimeSpan.FromSeconds(trialSeconds)), openFor, TimeSpan.FromSeconds(17));
        var (from, to) = (Start + OutageFrom, Start + OutageFrom + OutageLength);

        var firing = Evaluations(rule).Where(at => Fires(rows, at, rule)).ToArray();

        Assert.True(firing.Length > 0, $"{kind}: never fired");
        Assert.True(firing[0] <= from + rule.Window, $"{kind}: first fired at {firing[0]:HH:mm}, outage from {from:HH:mm}");
        // Every evaluation whose whole window is in the outage fires; none whose window ends before it or starts after it.
        Assert.All(Evaluations(rule).Where(at => at - rule.Window >= from && at <= to), at => Assert.Contains(at, firing));
        Assert.All(firing, at => Assert.True(at > from && at - rule.Window < to, $"{kind}: fired at {at:HH:mm} outside the outage"));
        // The recording has the samples that defeated "every sample open": the gauge read 0 during the outage.
        Assert.Contains(rows, r => r.Name == Gauge && r.Timestamp > from + openFor && r.Timestamp < to && r.ValueSum == 0);
        Assert.Contains(rows, r => r.Name == Gauge && r.Timestamp > from && r.Timestamp < to && r.ValueSum == 1);
    }

    [Fact]
    public async Task AShortBlipSeenByEveryInstanceAtOnceDoesNotFire()
    {
        var rule = await CircuitRuleAsync();
        var openFor = await BreakerOpenForAsync();
        // Power BI failed for 20 seconds: every instance's breaker opened once, and its first trial landed.
        var rows = Enumerable.Range(1, 4)
            .SelectMany(i => Record($"instance-{i}", Outage(OutageFrom, TimeSpan.FromSeconds(20), openFor, TimeSpan.FromSeconds(2)), openFor, TimeSpan.FromSeconds(10 * i)))
            .ToList();

        Assert.Equal(4, rows.Where(r => r.Name == Opens).Sum(r => r.ValueSum));
        Assert.DoesNotContain(Evaluations(rule), at => Fires(rows, at, rule));
    }
}
