namespace Ingest.LocalHost.Tests;

public abstract class RosterFileTests(string sink) : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"roster-{Guid.NewGuid():N}.json");

    public void Dispose()
    {
        File.Delete(_file);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task TheLocalRosterFileSettingNamesTheRosterLoadedAtStart()
    {
        await File.WriteAllTextAsync(_file, """{"members":[{"id":555,"name":"Robin Park","email":"robin@example.com"}]}""");
        using var host = new LocalHostFactory(LocalHostFactory.On(sink, new() { ["LOCAL_ROSTER_FILE"] = _file }));

        var onRoster = await host.AnswerOfAsync("""{"event":"x","body":{"id":1,"type":2,"user_id":555}}""");
        var offRoster = await host.AnswerOfAsync("""{"event":"x","body":{"id":2,"type":2,"user_id":101}}""");

        Assert.Equal(1, onRoster.GetProperty("facts").GetInt32());
        Assert.Equal(1, offRoster.GetProperty("gated").GetInt32());
        Assert.Equal("Robin Park", Assert.Single(await host.RowsAsync("DimAgent")).GetProperty("Name").GetString());
    }
}

public sealed class RosterFileOnPowerBiTests() : RosterFileTests(LocalHostFactory.PowerBi);

public sealed class RosterFileOnEventhouseTests() : RosterFileTests(LocalHostFactory.Eventhouse);
