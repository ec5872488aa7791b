using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace Ingest.FaultCampaign;

/// <summary>Injecting the seeded faults, and remembering when each really held: the verdict is judged against those times.</summary>
public sealed partial class Campaign
{
    private readonly ConcurrentBag<(Fault Fault, Window Window)> _applied = [];
    private readonly ConcurrentBag<(TimeSpan At, int Host)> _kills = [];

    private static bool IsHostFault(Fault fault) => fault.Kind is FaultKind.HostKilled or FaultKind.ColdStartTogether;

    /// <summary>When the capture store refused (queue or claim-check blobs cut): the only times a 503 is the store's doing.</summary>
    private Window[] CaptureDown()
        => _applied.Where(a => a.Fault.Kind is FaultKind.QueueRefused or FaultKind.BlobRefused).Select(a => a.Window).ToArray();

    private async Task InjectInTurnAsync(IEnumerable<Fault> track)
    {
        foreach (var fault in track)
        {
            var wait = fault.At - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var applied = _clock.Elapsed;
            await ApplyAsync(fault);
            await Task.Delay(fault.For);
            try
            {
                await RevertAsync(fault);
            }
            catch (InvalidOperationException e)
            {
                // A host that will not start again is a finding of the run, reported with the rest.
                _restartFailures.Add($"{fault}: {e.Message}");
            }

            _applied.Add((fault, new Window(applied, _clock.Elapsed)));
        }
    }

    private Task ApplyAsync(Fault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.DynamoStalled: _dynamo.Stall(); break;
            case FaultKind.DynamoRefused: _dynamo.Cut(); break;
            case FaultKind.DynamoSlow: _dynamo.Slow(TimeSpan.FromMilliseconds(400)); break;
            case FaultKind.QueueRefused: _queue.Cut(); break;
            case FaultKind.QueueSlow: _queue.Slow(TimeSpan.FromMilliseconds(700)); break;
            case FaultKind.BlobRefused: _blob.Cut(); break;
            case FaultKind.BlobSlow: _blob.Slow(TimeSpan.FromMilliseconds(700)); break;
            case FaultKind.PowerBiSlow: _powerBi.Slow(TimeSpan.FromSeconds(2)); break;
            case FaultKind.PowerBiTimeout: _powerBi.Stall(); break;
            case FaultKind.PowerBi5xx: return EmulatorFaultAsync(503, 100_000);
            case FaultKind.PowerBi429: return EmulatorFaultAsync(429, 100_000);
            case FaultKind.PowerBiBadRow: return EmulatorFaultAsync(400, 1);
            case FaultKind.HostKilled: return KillAsync(fault.Host);
            case FaultKind.ColdStartTogether: return Task.WhenAll(_hosts.Select((_, host) => KillAsync(host)));
        }

        return Task.CompletedTask;
    }

    private Task RevertAsync(Fault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.DynamoStalled or FaultKind.DynamoRefused or FaultKind.DynamoSlow: _dynamo.Restore(); break;
            case FaultKind.QueueRefused or FaultKind.QueueSlow: _queue.Restore(); break;
            case FaultKind.BlobRefused or FaultKind.BlobSlow: _blob.Restore(); break;
            case FaultKind.PowerBiSlow or FaultKind.PowerBiTimeout: _powerBi.Restore(); break;
            case FaultKind.PowerBi5xx or FaultKind.PowerBi429 or FaultKind.PowerBiBadRow: return EmulatorFaultAsync(0, 0);
            case FaultKind.HostKilled: return RestartAsync(fault.Host);
            case FaultKind.ColdStartTogether: return Task.WhenAll(_hosts.Select((_, host) => RestartAsync(host)));
        }

        return Task.CompletedTask;
    }

    /// <summary>SIGKILL, as Azure loses an instance; the front door drops what it had in flight there at that moment.</summary>
    private Task KillAsync(int host)
    {
        _door.Down(host);
        _kills.Add((_clock.Elapsed, host));
        return _hosts[host].KillAsync();
    }

    /// <summary>Starts the host where its callers expect it; the front door sends it requests once it answers its health check.</summary>
    private async Task RestartAsync(int host)
    {
        await _hosts[host].StartAsync(TimeSpan.FromSeconds(90));
        _door.Up(host);
    }

    private async Task EmulatorFaultAsync(int status, int count)
    {
        using var answer = await _inspector.PostAsJsonAsync(new Uri(_emulator.Address, "local/faults"), new { status, count });
        answer.EnsureSuccessStatusCode();
    }
}
