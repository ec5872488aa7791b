using Ingest.AdminCli;

namespace Ingest.LocalHost.Tests;

/// <summary>The ops CLI against the local host: it signs as the contract says, and prints what the server answered.</summary>
public abstract class AdminCliTests(string sink) : IDisposable
{
    private readonly LocalHostFactory _host = new(LocalHostFactory.On(sink));
    private readonly StringWriter _output = new();
    private readonly StringWriter _errors = new();

    public void Dispose()
    {
        _host.Dispose();
        _output.Dispose();
        _errors.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string SampleFile(string name) => Path.Combine(AppContext.BaseDirectory, "samples", "admin", name);

    private Task<int> RunAsync(string secret, params string[] args)
    {
        var environment = new Dictionary<string, string?> { ["ADMIN_HMAC_SECRET"] = secret };
        return new AdminCommand(environment, _host.CreateClient(), _output, _errors).RunAsync(args);
    }

    [Fact]
    public async Task SyncsGoalsFromAFileAndPrintsTheSummary()
    {
        var exit = await RunAsync($"{LocalHostFactory.AdminSecret},an-older-secret-being-rotated", "dimmetric", "sync", "--file", SampleFile("goals-2026-12.json"), "--url", "http://localhost");

        Assert.Equal(0, exit);
        Assert.Contains("\"rowsAdded\": 2", _output.ToString());
        Assert.Equal(2, (await _host.RowsAsync("DimMetric")).Length);
    }

    [Fact]
    public async Task BootstrapsAnEventhouseTwiceAndGrantsTheAppItsRolesWithoutAnAdminSecret()
    {
        await using var eventhouse = await Ingest.EventhouseEmulator.EventhouseServer.StartAsync(new Ingest.EventhouseEmulator.EmulatedEventhouse());
        string[] args = ["eventhouse", "bootstrap", "--query-uri", eventhouse.BaseAddress.ToString(), "--database", "ingest", "--authentication", "None"];

        var first = await new AdminCommand(new Dictionary<string, string?>(), _host.CreateClient(), _output, _errors).RunAsync(args);
        var second = await new AdminCommand(new Dictionary<string, string?>(), _host.CreateClient(), _output, _errors)
            .RunAsync([.. args, "--principal", "aadapp=11111111-2222-3333-4444-555555555555;contoso.com"]);

        Assert.Equal((0, 0), (first, second));
        Assert.Contains("(no roles: pass --principal", _output.ToString());
        var described = eventhouse.Emulator.Describe("ingest");
        Assert.Contains("view FactEventUnique on FactEvent by EventKey", described);
        Assert.Contains("grant admins 'aadapp=11111111-2222-3333-4444-555555555555;contoso.com'", described);
    }

    [Fact]
    public async Task AnEventhouseThatRefusesIsExitCode1WithItsReason()
    {
        var exit = await new AdminCommand(new Dictionary<string, string?>(), _host.CreateClient(), _output, _errors)
            .RunAsync(["eventhouse", "bootstrap", "--query-uri", "http://127.0.0.1:9/", "--database", "ingest", "--authentication", "None"]);

        Assert.Equal(1, exit);
        Assert.Contains("The Eventhouse refused or did not answer", _errors.ToString());
    }

    [Fact]
    public async Task PrintsTheFieldErrorsReadably()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """{"month":"December","version":1,"metrics":[{"metricId":"CALLS","defaultGoal":1,"defaultYellowFloorPct":2}]}""");

        var exit = await RunAsync(LocalHostFactory.AdminSecret, "dimmetric", "sync", "--file", file, "--url", "http://localhost");

        File.Delete(file);
        Assert.Equal(1, exit);
        Assert.Contains("400 Invalid request", _errors.ToString());
        Assert.Contains("  month: Must be a month as yyyy-MM.", _errors.ToString());
        Assert.Contains("  metrics[0].defaultYellowFloorPct: Must be above 0 and at most 1.", _errors.ToString());
    }

    [Fact]
    public async Task BackfillsAnExportPreviewingFirstAndListsWhoIsGated()
    {
        var export = Path.Combine(AppContext.BaseDirectory, "samples", "aloware", "export-2026-11.csv");
        using var host = new LocalHostFactory(LocalHostFactory.On(sink, new() { ["BUSINESS_TIME_ZONE"] = "America/New_York", ["Ledger:Retention"] = "3650.00:00:00" }));
        var environment = new Dictionary<string, string?> { ["ADMIN_HMAC_SECRET"] = LocalHostFactory.AdminSecret };
        Task<int> Run(params string[] args) => new AdminCommand(environment, host.CreateClient(), _output, _errors).RunAsync(args);

        Assert.Equal(0, await Run("backfill", "aloware", "--file", export, "--dry-run", "--url", "http://localhost"));
        Assert.Contains("\"dryRun\": true", _output.ToString());
        Assert.Empty(await host.RowsAsync("FactEvent"));

        Assert.Equal(0, await Run("backfill", "aloware", "--file", export, "--url", "http://localhost"));
        Assert.Contains("\"added\": 7", _output.ToString());
        Assert.Equal(7, (await host.RowsAsync("FactEvent")).Length);

        Assert.Equal(0, await Run("quarantine", "list", "--url", "http://localhost"));
        Assert.Contains("\"agentId\": 999", _output.ToString());
        Assert.Empty(_errors.ToString());
    }

    [Fact]
    public async Task ResumesABackfillAfterALineWithTheQuerySigned()
    {
        var export = Path.Combine(AppContext.BaseDirectory, "samples", "aloware", "export-2026-11.csv");
        using var host = new LocalHostFactory(LocalHostFactory.On(sink, new() { ["BUSINESS_TIME_ZONE"] = "America/New_York", ["Ledger:Retention"] = "3650.00:00:00" }));
        var environment = new Dictionary<string, string?> { ["ADMIN_HMAC_SECRET"] = LocalHostFactory.AdminSecret };

        var exit = await new AdminCommand(environment, host.CreateClient(), _output, _errors).RunAsync(["backfill", "aloware", "--file", export, "--after-line", "12", "--dry-run", "--url", "http://localhost"]);

        Assert.Equal(0, exit);
        Assert.Empty(_errors.ToString());
        Assert.Contains("\"rows\": 5", _output.ToString()); // lines 13 to 17 of the sample
        Assert.Equal(2, await RunAsync(LocalHostFactory.AdminSecret, "backfill", "aloware", "--file", export, "--after-line", "0", "--url", "http://localhost"));
    }

    [Fact]
    public async Task AWrongSecretShowsTheReasonCode()
    {
        var exit = await RunAsync("a-secret-the-app-does-not-know", "dimdate", "seed", "--url", "http://localhost");

        Assert.Equal(1, exit);
        Assert.StartsWith("401 Unauthorized (bad_signature)", _errors.ToString());
    }

    [Fact]
    public async Task PrintShowsTheSignedRequestAndSendsNothing()
    {
        var exit = await RunAsync(LocalHostFactory.AdminSecret, "dimshift", "sync", "--file", SampleFile("shifts.json"), "--url", "http://localhost", "--print");

        Assert.Equal(0, exit);
        Assert.Contains("POST http://localhost/api/admin/dimshift/sync", _output.ToString());
        Assert.Contains("X-Admin-Signature: v1=", _output.ToString());
        Assert.DoesNotContain(LocalHostFactory.AdminSecret, _output.ToString());
        Assert.Empty(await _host.RowsAsync("DimShift"));
    }

    [Theory]
    [InlineData("dimfoo", "sync", "--url", "http://localhost")]
    [InlineData("dimdate", "seed")]
    [InlineData("dimdate", "seed", "--url", "http://localhost", "--verbose")]
    [InlineData("dimdate", "seed", "--url", "http://localhost", "--dry-run")]
    [InlineData("backfill", "aloware", "--url", "http://localhost")]
    public async Task BadUsageExitsWithTwo(params string[] args)
    {
        Assert.Equal(2, await RunAsync(LocalHostFactory.AdminSecret, args));
        Assert.Contains("usage: ingest-admin", _errors.ToString());
    }
}

public sealed class AdminCliOnPowerBiTests() : AdminCliTests(LocalHostFactory.PowerBi);

public sealed class AdminCliOnEventhouseTests() : AdminCliTests(LocalHostFactory.Eventhouse);
