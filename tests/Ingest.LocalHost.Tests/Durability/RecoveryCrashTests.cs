using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ingest.Core.Domain;
using Xunit.Abstractions;

namespace Ingest.LocalHost.Tests.Durability;

/// <summary>
/// A backfill whose worker dies at each step leaves nothing counted that did not land: its caller got no answer, the
/// next run is refused while the dead run's lock lives, and once its leases lapse, runs until finished land every
/// fact of the export, with at most one extra copy of what the dead worker posted and never completed.
/// </summary>
[Trait("Category", "Slow")]
public abstract class RecoveryCrashTests(RealDependencies real, ITestOutputHelper output, string sink) : IAsyncLifetime
{
    private const string Path = "/api/admin/backfill/aloware";
    private const int Calls = 1_200;
    private SinkServer _powerBi = null!;

    public async Task InitializeAsync() => _powerBi = await SinkServer.StartAsync(sink);

    public async Task DisposeAsync() => await _powerBi.DisposeAsync();

    private LocalHostFactory Host(string table, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var settings = real.HostSettings(_powerBi, new Uri(real.Dynamo.ServiceUrl), table);
        settings["BUSINESS_TIME_ZONE"] = "America/New_York";
        // Short leases, so the survivor's runs start within seconds of the death: the lock lasts twice the deadline
        // (10 s), the dead run's claims twice that, so the survivor's first runs meet them still held.
        settings["Admin:RecoveryDeadline"] = "00:00:05";
        settings["Ledger:LeaseDuration"] = "00:00:20";
        return new LocalHostFactory(settings, services);
    }

    [Theory]
    [InlineData(CrashPoint.AfterClaim)]
    [InlineData(CrashPoint.AfterPost)]
    [InlineData(CrashPoint.AfterLedgerComplete)]
    public async Task ABackfillWhoseWorkerDiesCountsNothingThatDidNotLand(CrashPoint point)
    {
        var table = "r" + Guid.NewGuid().ToString("N")[..12];
        var export = RecoveryRunTests.ExportOfCalls(Calls, 94_000_000 + (int)point * 10_000);
        var crash = new Crash(point);
        var dead = Host(table, crash.Install);
        dead.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            // The caller gives up once the worker is dead (a dead worker never answers), however long it took to get there.
            using (var gaveUp = new CancellationTokenSource())
            {
                var call = dead.SignedPostAsync(Path, export, contentType: "text/csv", cancellationToken: gaveUp.Token);
                for (var waited = 0; crash.Count == 0 && !call.IsCompleted && waited < 600; waited++)
                {
                    await Task.Delay(100);
                }

                await gaveUp.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
            }

            Assert.True(crash.Count > 0, $"nothing died at {point}");
            // Rows the dead worker posted and never completed may land again once their claims lapse (one extra copy each).
            var postedNotCompleted = _powerBi.Emulator.Rows(TableNames.FactEvent).Count - (point == CrashPoint.AfterLedgerComplete ? 1 : 0);
            using var survivor = Host(table);
            using (var refused = await survivor.SignedPostAsync(Path, export, contentType: "text/csv"))
            {
                Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            }

            var (final, metHeld) = await RunUntilEverythingLandsAsync(survivor, export);
            Assert.True(metHeld || point == CrashPoint.AfterLedgerComplete && postedNotCompleted == 0, "no run met the dead worker's claims in progress");
            Assert.Equal(0, final.GetProperty("inProgress").GetInt32());
            var keys = _powerBi.Emulator.Rows(TableNames.FactEvent).Select(r => r.GetProperty("EventKey").GetString()!).ToList();
            Assert.Equal(Calls, keys.Distinct().Count());
            var extra = keys.Count - Calls;
            output.WriteLine($"{point}: {crash.Count} died, {postedNotCompleted} posted and not completed, {keys.Count} rows, {extra} extra copies");
            Assert.True(extra <= Math.Max(postedNotCompleted, 0), $"{extra} extra rows after a death at {point} that left {postedNotCompleted} posted and not completed");
        }
        finally
        {
            crash.Bury();
            dead.Dispose();
        }
    }

    /// <summary>
    /// As ops would: run again after a 409 or a run that stopped at its deadline or met facts still in progress, until a
    /// run finishes having met none, within two minutes. Every run's alreadyCounted facts must be in FactEvent.
    /// </summary>
    /// <returns>The last run's answer, and whether any run reported facts in progress.</returns>
    private async Task<(JsonElement Final, bool MetHeld)> RunUntilEverythingLandsAsync(LocalHostFactory survivor, byte[] export)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        var path = Path;
        var heldInThisPass = 0;
        var metHeld = false;
        while (true)
        {
            using var response = await survivor.SignedPostAsync(path, export, contentType: "text/csv");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
                var landed = _powerBi.Emulator.Rows(TableNames.FactEvent).Count;
                output.WriteLine($"{path}: added {summary.GetProperty("added")}, alreadyCounted {summary.GetProperty("alreadyCounted")}, inProgress {summary.GetProperty("inProgress")}, rows landed {landed}");
                Assert.True(summary.GetProperty("alreadyCounted").GetInt32() + summary.GetProperty("added").GetInt32() <= landed, "a run reported more counted than landed");
                heldInThisPass += summary.GetProperty("inProgress").GetInt32();
                metHeld |= heldInThisPass > 0;
                if (summary.TryGetProperty("stoppedAfterLine", out var line))
                {
                    path = $"{Path}?afterLine={line.GetInt32()}";
                    continue;
                }

                // A pass over the whole export that met no fact in progress: everything in it is counted.
                if (heldInThisPass == 0)
                {
                    return (summary, metHeld);
                }

                (path, heldInThisPass) = (Path, 0);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            }

            Assert.True(DateTime.UtcNow < until, "the backfill did not finish within two minutes of the death");
            await Task.Delay(1_000);
        }
    }
}

[Collection(RealDependenciesCollection.Name)]
[Trait("Category", "Slow")]
public sealed class RecoveryCrashOnPowerBiTests(RealDependencies real, ITestOutputHelper output) : RecoveryCrashTests(real, output, LocalHostFactory.PowerBi);

[Collection(RealDependenciesCollection.Name)]
[Trait("Category", "Slow")]
public sealed class RecoveryCrashOnEventhouseTests(RealDependencies real, ITestOutputHelper output) : RecoveryCrashTests(real, output, LocalHostFactory.Eventhouse);
