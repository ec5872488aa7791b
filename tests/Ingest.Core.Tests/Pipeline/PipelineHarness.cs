using System.Text;
using Ingest.Core.Capture;
using Ingest.Core.Configuration;
using Ingest.Core.Domain;
using Ingest.Core.Embedded;
using Ingest.Core.Pipeline;
using Ingest.Core.Storage;
using Ingest.Core.Time;
using Ingest.Integrations.Aloware;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Ingest.Core.Tests.Pipeline;

/// <summary>The pipeline on its embedded stores, with the push tables as a Moq seam that records what was posted.</summary>
internal sealed class PipelineHarness
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 20, 0, 0, TimeSpan.Zero));
    public InMemoryLedger Ledger { get; }
    public InMemoryRosterStore Roster { get; } = new();
    public InMemoryQuarantineStore Quarantine { get; } = new();
    public InMemoryShiftRuleStore Shifts { get; } = new();
    public InMemoryDimRegistry Registry { get; } = new();
    public Mock<ISinkTables> Tables { get; } = new();

    public SwitchableSink Sink { get; }
    public MetricsProbe Meters { get; } = new();
    public List<(string Table, object Row)> Posted { get; } = [];
    public IngestPipeline Pipeline { get; }

    /// <summary>How many FactEvent posts still fail before the tables recover.</summary>
    public int FailFactPosts { get; set; }

    public PipelineHarness()
    {
        Ledger = new InMemoryLedger(Options.Create(new LedgerOptions()), Clock);
        Tables.Setup(t => t.AppendRowsAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<FactEventRow>>(), It.IsAny<CancellationToken>()))
            .Returns((string table, IReadOnlyList<FactEventRow> rows, CancellationToken _) =>
            {
                if (FailFactPosts > 0)
                {
                    FailFactPosts--;
                    return Task.FromException(new HttpRequestException("Power BI is down"));
                }

                Posted.AddRange(rows.Select(r => (table, (object)r)));
                return Task.CompletedTask;
            });
        Tables.Setup(t => t.AppendRowsAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<DimDate>>(), It.IsAny<CancellationToken>()))
            .Callback((string table, IReadOnlyList<DimDate> rows, CancellationToken _) => Posted.AddRange(rows.Select(r => (table, (object)r))))
            .Returns(Task.CompletedTask);
        Sink = new SwitchableSink(new DirectFactSink(Tables.Object));
        Pipeline = new IngestPipeline(
            [new AlowareSource(new AlowareAdapter(), Options.Create(new AlowareWebhookOptions { AlowareToken = "t" }))],
            new FactMapper(BusinessCalendar.ForZoneId("America/New_York")),
            new RosterGate(Roster, Quarantine, NullLogger<RosterGate>.Instance),
            new LedgerStep(Ledger, Clock, NullLogger<LedgerStep>.Instance),
            DimensionEnsurer(Registry, Tables.Object, Clock),
            Shifts,
            Sink,
            Clock,
            Meters.Metrics,
            NullLogger<IngestPipeline>.Instance);
    }

    /// <summary>The ensurer on embedded stores, with the DimDate rebuild it falls back on.</summary>
    public static DimensionEnsurer DimensionEnsurer(IDimRegistry registry, ISinkTables tables, FakeTimeProvider clock)
        => new(registry, tables, DimDateSeed(registry, tables, clock), Options.Create(new LedgerOptions()), clock, NullLogger<DimensionEnsurer>.Instance);

    public static Ingest.Core.Admin.Dimensions.DimDateSeed DimDateSeed(IDimRegistry registry, ISinkTables tables, FakeTimeProvider clock)
    {
        var refresh = new Ingest.Core.Admin.Dimensions.TableRefresh(tables, new InMemoryTableLockStore(clock), Options.Create(new Ingest.Core.Admin.AdminOptions()), clock, NullLogger<Ingest.Core.Admin.Dimensions.TableRefresh>.Instance);
        return new(registry, BusinessCalendar.ForZoneId("America/New_York"), clock, refresh, new Ingest.Core.Admin.Dimensions.AdminRun(new InMemoryAuditLog(), clock, NullLogger<Ingest.Core.Admin.Dimensions.AdminRun>.Instance), Options.Create(new LedgerOptions()));
    }

    public IReadOnlyList<FactEventRow> Facts => Posted.Where(p => p.Table == TableNames.FactEvent).Select(p => (FactEventRow)p.Row).ToArray();

    public Task SeedRosterAsync(params long[] agents)
        => Roster.ReplaceAsync(agents.Select(a => new DimAgent { AgentID = a, Name = $"Agent {a}" }).ToArray(), CancellationToken.None);

    public static IngestEnvelope Envelope(string json) => new("aloware", Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes(json));

    public async Task<IngestOutcome> DeliverAsync(string json)
    {
        var classified = Pipeline.Classify(Envelope(json));
        return classified.Verdict == Core.Adapters.AdapterVerdict.Countable
            ? await Pipeline.ProcessAsync(classified, CancellationToken.None)
            : IngestOutcome.IgnoredDelivery;
    }

    /// <summary>The direct sink, with an open circuit the tests can set.</summary>
    public sealed class SwitchableSink(IFactSink inner) : IFactSink, ISinkAvailability
    {
        public TimeSpan RefusingFor { get; set; }

        /// <summary>When set, every post fails with it (an outage of the sink or of a store behind it).</summary>
        public Exception? Fault { get; set; }

        public Task PostAsync(IReadOnlyList<FactEventRow> rows, CancellationToken cancellationToken)
            => Fault is { } fault ? Task.FromException(fault) : inner.PostAsync(rows, cancellationToken);
    }

    public Redriver Redriver(ICaptureQueue queue, int maxDequeueCount = 5)
        => new(queue, Pipeline, Sink, Options.Create(new CaptureOptions { MaxDequeueCount = maxDequeueCount }), Meters.Metrics, NullLogger<Redriver>.Instance);
}
