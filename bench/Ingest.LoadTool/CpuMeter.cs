using System.Diagnostics;

namespace Ingest.LoadTool;

/// <summary>
/// CPU time over the counted period of this process (the app, with the load driver beside it: they share one process) and
/// of each emulator process beside it, so a figure per delivery can be set next to each.
/// </summary>
public sealed class CpuMeter
{
    public const string App = "app and load driver";

    private readonly List<(string Name, Process Process, TimeSpan From)> _processes;

    private CpuMeter(List<(string Name, Process Process, TimeSpan From)> processes) => _processes = processes;

    public static CpuMeter Start(IReadOnlyDictionary<string, Process> neighbours)
        => new([.. new[] { KeyValuePair.Create(App, Process.GetCurrentProcess()) }.Concat(neighbours).Select(p => (p.Key, p.Value, Used(p.Value)))]);

    /// <summary>Milliseconds of CPU each process used since the start, per delivery.</summary>
    public IReadOnlyDictionary<string, double> PerDelivery(int deliveries)
        => _processes.ToDictionary(p => p.Name, p => (Used(p.Process) - p.From).TotalMilliseconds / Math.Max(1, deliveries));

    private static TimeSpan Used(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }
}
