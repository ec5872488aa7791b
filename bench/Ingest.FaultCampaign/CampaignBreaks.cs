using System.Net.Http.Json;

namespace Ingest.FaultCampaign;

/// <summary>The runs made to break one verdict rule each (<see cref="CampaignBreak"/>), so that each rule is seen failing.</summary>
public sealed partial class Campaign
{
    /// <summary>The hosts' longest processing deadline the settings allow, past the bound the verdict holds them to.</summary>
    private const string SlowSinkProcessingDeadline = "00:01:40";

    /// <summary>A third of it is how long the writer goes on starting attempts at a POST: 2 minutes, past that deadline.</summary>
    private const string SlowSinkLease = "00:06:00";

    // Every POST held past the writer's 30 s answer timeout, from 20 s into the load for two minutes.
    private static readonly TimeSpan SlowSinkLatency = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SlowSinkFrom = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan SlowSinkFor = TimeSpan.FromMinutes(2);

    /// <summary>The settings host <paramref name="host"/> starts with: the campaign's, bent by the break when it asks.</summary>
    private Dictionary<string, string> Broken(Dictionary<string, string> environment, int host, string proxiedStorage)
    {
        var settings = new Dictionary<string, string>(environment);
        if (options.Break == CampaignBreak.SlowSink)
        {
            settings[ProductBounds.ProcessingDeadlineSetting] = SlowSinkProcessingDeadline;
            settings["Ledger__LeaseDuration"] = SlowSinkLease;
        }

        if (options.Break == CampaignBreak.RefusingHost && host == options.Hosts - 1)
        {
            // Its queue and blob endpoints name a loopback port nothing listens on; the others' store stays up.
            var nowhere = $"http://127.0.0.1:{Ingest.Testing.ExternalTool.FreeLoopbackPort()}";
            settings["Capture__Connection"] = proxiedStorage
                .Replace(_queue.Address.ToString().TrimEnd('/'), nowhere, StringComparison.Ordinal)
                .Replace(_blob.Address.ToString().TrimEnd('/'), nowhere, StringComparison.Ordinal);
        }

        return settings;
    }

    private async Task BreakSinkAsync()
    {
        if (options.Break != CampaignBreak.SlowSink)
        {
            return;
        }

        if (SlowSinkFrom > _clock.Elapsed)
        {
            await Task.Delay(SlowSinkFrom - _clock.Elapsed);
        }

        await SetLatencyAsync(SlowSinkLatency);
        output.WriteLine($"  break: every Power BI POST held {SlowSinkLatency.TotalSeconds:0} s from {_clock.Elapsed.TotalSeconds:0} s");
        await Task.Delay(SlowSinkFor);
        await SetLatencyAsync(TimeSpan.Zero);
        output.WriteLine($"  break: Power BI answers at once again from {_clock.Elapsed.TotalSeconds:0} s");
    }

    private async Task SetLatencyAsync(TimeSpan latency)
    {
        using var answer = await _inspector.PostAsJsonAsync(new Uri(_emulator.Address, "local/latency"), new { milliseconds = (int)latency.TotalMilliseconds });
        answer.EnsureSuccessStatusCode();
    }

    /// <summary>Posts a second copy of a landed row that no kill could explain, straight to the emulator.</summary>
    private async Task InjectDuplicateAsync(IReadOnlyCollection<SentRequest> requests)
    {
        var rows = await _watch.ReadAsync();
        var once = rows.GroupBy(r => r.GetProperty("EventKey").GetString()!, StringComparer.Ordinal).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single());
        var sent = requests.SelectMany(r => r.Keys).ToHashSet(StringComparer.Ordinal);
        // As if each sent key had two copies: those the verdict would not excuse are the ones to copy.
        var candidates = Verdicts.UnexplainedDuplicates(
            once.Keys.Where(sent.Contains).ToDictionary(k => k, _ => 2), requests, _kills.Select(k => k.At).ToList(), _watch.FirstSeen, _completeWindow, _clock.Elapsed);
        if (candidates.Count == 0)
        {
            output.WriteLine("  break: no landed fact was clear of every kill; nothing copied");
            return;
        }

        var row = once[candidates[0]];
        using var answer = await _inspector.PostAsJsonAsync(
            new Uri(_emulator.Address, $"v1.0/myorg/groups/{Workspace}/datasets/{await DatasetIdAsync()}/tables/FactEvent/rows"), new { rows = new[] { row } });
        answer.EnsureSuccessStatusCode();
        output.WriteLine($"  break: posted a second copy of {candidates[0]} to FactEvent");
    }
}
