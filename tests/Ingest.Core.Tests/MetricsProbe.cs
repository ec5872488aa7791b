using System.Diagnostics.Metrics;
using Ingest.Core.Telemetry;

namespace Ingest.Core.Tests;

/// <summary>An <see cref="IngestMetrics"/> on a meter of its own, with a listener that sums what each instrument recorded.</summary>
internal sealed class MetricsProbe : IMeterFactory
{
    private readonly List<Meter> _meters = [];
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _sums = [];

    public MetricsProbe()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            lock (_meters)
            {
                if (_meters.Contains(instrument.Meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (_sums)
            {
                _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value;
            }
        });
        _listener.Start();
        Metrics = new IngestMetrics(this);
    }

    public IngestMetrics Metrics { get; }

    public long Sum(string instrument)
    {
        lock (_sums)
        {
            return _sums.GetValueOrDefault(instrument);
        }
    }

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        _listener.RecordObservableInstruments();
        return meter;
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.ForEach(m => m.Dispose());
    }
}
