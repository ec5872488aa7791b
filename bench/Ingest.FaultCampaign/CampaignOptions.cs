namespace Ingest.FaultCampaign;

/// <summary>A run made to break one verdict rule, to show that rule can fail (docs/benchmarks.md).</summary>
public enum CampaignBreak
{
    None,

    /// <summary>Power BI holds every POST for a while and the hosts keep a request past the product's processing deadline, no host killed: rule (a).</summary>
    SlowSink,

    /// <summary>One host's capture store setting names a port nothing listens on, while the campaign's store is up: rule (b).</summary>
    RefusingHost,

    /// <summary>After the drain, a copy of a landed row is posted straight to the emulator: rule (c).</summary>
    Duplicate,
}

/// <summary>What a campaign run does: how many hosts, how long, how much traffic, and the seed that fixes its faults.</summary>
public sealed record CampaignOptions
{
    public int Hosts { get; init; } = 2;
    public TimeSpan Load { get; init; } = TimeSpan.FromMinutes(3);
    public TimeSpan Drain { get; init; } = TimeSpan.FromMinutes(6);
    public int Seed { get; init; } = 1;

    /// <summary>Communications a second; about 30% are calls of six deliveries.</summary>
    public double FactsPerSecond { get; init; } = 8;

    /// <summary>The ledger lease the hosts run with (how long a dead worker's claim holds a fact); the product's default when not given.</summary>
    public TimeSpan LeaseDuration { get; init; } = new Ingest.Core.Configuration.LedgerOptions().LeaseDuration;

    /// <summary>Where the hosts' logs go; a temporary folder when not given.</summary>
    public string? LogFolder { get; init; }

    public CampaignBreak Break { get; init; } = CampaignBreak.None;

    /// <summary>The sink the hosts write to, as a standalone emulator behind a proxy the faults control.</summary>
    public bool Eventhouse { get; init; }

    public static CampaignOptions Parse(string[] args)
    {
        var options = new CampaignOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--hosts" => options with { Hosts = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--minutes" => options with { Load = TimeSpan.FromMinutes(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) },
                "--drain-minutes" => options with { Drain = TimeSpan.FromMinutes(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) },
                "--seed" => options with { Seed = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--rate" => options with { FactsPerSecond = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--lease" => options with { LeaseDuration = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--logs" => options with { LogFolder = value },
                "--break" => options with { Break = ParseBreak(value) },
                "--sink" => options with { Eventhouse = value switch { "eventhouse" => true, "powerbi" => false, _ => throw new ArgumentException($"--sink {value}: expected powerbi or eventhouse.") } },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --hosts N --minutes M --drain-minutes M --seed S --rate F --lease hh:mm:ss --logs DIR --break slow-sink|refusing-host|duplicate --sink powerbi|eventhouse"),
            };
        }

        if (options.Eventhouse && options.Break == CampaignBreak.Duplicate)
        {
            throw new ArgumentException("--break duplicate posts to the push emulator: it runs with --sink powerbi.");
        }

        if (options.Hosts < 1 || options.Load <= TimeSpan.Zero || options.FactsPerSecond <= 0)
        {
            throw new ArgumentException("--hosts, --minutes and --rate must be positive.");
        }

        return options;
    }

    private static CampaignBreak ParseBreak(string value) => value switch
    {
        "slow-sink" => CampaignBreak.SlowSink,
        "refusing-host" => CampaignBreak.RefusingHost,
        "duplicate" => CampaignBreak.Duplicate,
        _ => throw new ArgumentException($"--break {value}: expected slow-sink, refusing-host or duplicate."),
    };
}
