namespace Ingest.FaultCampaign;

/// <summary>The faults a campaign can inject: on a dependency (through its proxy or the emulator), or on a host process.</summary>
public enum FaultKind
{
    DynamoStalled,
    DynamoRefused,
    DynamoSlow,
    QueueRefused,
    QueueSlow,
    BlobRefused,
    BlobSlow,
    PowerBi5xx,
    PowerBi429,
    PowerBiSlow,
    PowerBiTimeout,
    PowerBiBadRow,
    HostKilled,
    ColdStartTogether,
}

/// <summary>One fault: what, from when, for how long (seconds after the load starts), and which host it hits.</summary>
public sealed record Fault(FaultKind Kind, TimeSpan At, TimeSpan For, int Host)
{
    public TimeSpan Until => At + For;

    public override string ToString() => $"{At.TotalSeconds,6:0.0}s +{For.TotalSeconds,4:0.0}s {Kind}{(Kind is FaultKind.HostKilled ? $" host {Host}" : "")}";
}

/// <summary>
/// A seeded random schedule over two tracks that overlap freely: faults of the dependencies, and faults of
/// the host processes. The same seed gives the same schedule, so a failing run replays.
/// </summary>
public static class FaultSchedule
{
    private static readonly FaultKind[] DependencyFaults =
    [
        FaultKind.DynamoStalled, FaultKind.DynamoRefused, FaultKind.DynamoSlow, FaultKind.QueueRefused, FaultKind.QueueSlow,
        FaultKind.BlobRefused, FaultKind.BlobSlow, FaultKind.PowerBi5xx, FaultKind.PowerBi429, FaultKind.PowerBiSlow, FaultKind.PowerBiTimeout, FaultKind.PowerBiBadRow,
    ];

    public static IReadOnlyList<Fault> Build(int seed, TimeSpan load, int hosts)
    {
        var random = new Random(seed);
        var faults = new List<Fault>();
        // Quiet at both ends: the first seconds warm up, the last ones leave every fault ended before the load does.
        var first = TimeSpan.FromSeconds(10);
        var last = load - TimeSpan.FromSeconds(15);
        for (var at = first + Seconds(random, 0, 5); at < last;)
        {
            var length = Seconds(random, 4, 20);
            var kind = DependencyFaults[random.Next(DependencyFaults.Length)];
            faults.Add(new Fault(kind, at, Min(length, last - at), 0));
            at += length + Seconds(random, 5, 15);
        }

        for (var at = first + Seconds(random, 5, 20); at < last;)
        {
            var length = Seconds(random, 3, 12);
            var kind = random.NextDouble() < 0.75 ? FaultKind.HostKilled : FaultKind.ColdStartTogether;
            faults.Add(new Fault(kind, at, Min(length, last - at), random.Next(hosts)));
            at += length + Seconds(random, 15, 40);
        }

        return faults.OrderBy(f => f.At).ToArray();
    }

    private static TimeSpan Seconds(Random random, double from, double to) => TimeSpan.FromSeconds(from + random.NextDouble() * (to - from));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
