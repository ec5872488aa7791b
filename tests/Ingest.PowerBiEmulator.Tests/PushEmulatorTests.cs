using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ingest.PowerBiEmulator.Tests;

public class PushEmulatorTests
{
    [Fact]
    public async Task CreatesListsAndDescribesAPushDataset()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync("basicFIFO");

        var list = await f.Http.GetFromJsonAsync<JsonElement>($"{f.Workspace}/datasets");
        var dataset = Assert.Single(list.GetProperty("value").EnumerateArray());
        Assert.Equal(id, dataset.GetProperty("id").GetString());
        Assert.True(dataset.GetProperty("addRowsAPIEnabled").GetBoolean());
        Assert.Equal("basicFIFO", dataset.GetProperty("defaultRetentionPolicy").GetString());

        var tables = await f.Http.GetFromJsonAsync<JsonElement>($"{f.Workspace}/datasets/{id}/tables");
        Assert.Equal("Facts", Assert.Single(tables.GetProperty("value").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task DatasetsBelongToTheirWorkspace()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();

        var other = await f.Http.GetFromJsonAsync<JsonElement>("v1.0/myorg/groups/other/datasets");
        Assert.Empty(other.GetProperty("value").EnumerateArray());
        using var response = await f.Http.PostAsJsonAsync($"v1.0/myorg/groups/other/datasets/{id}/tables/Facts/rows", new { rows = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AddsAndClearsRows()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();

        (await f.PostRowsAsync(id, 3)).EnsureSuccessStatusCode();
        Assert.Equal(3, f.Emulator.Rows("Facts").Count);
        Assert.Equal(new TableStats(3, 1, 0, 0), f.Emulator.Stats()["Facts"]);

        (await f.Http.DeleteAsync($"{f.Workspace}/datasets/{id}/tables/Facts/rows")).EnsureSuccessStatusCode();
        Assert.Empty(f.Emulator.Rows("Facts"));
    }

    [Theory]
    [InlineData("""{"rows":[{"Nope":1}]}""", "column 'Nope' is not in table")]
    [InlineData("""{"rows":[{"Count":"12"}]}""", "is not an Int64")]
    [InlineData("""{"rows":[{"Count":1.5}]}""", "is not an Int64")]
    [InlineData("""{"rows":[{"Count":9223372036854775808}]}""", "is not an Int64")]
    [InlineData("""{"rows":[{"Ratio":"NaN"}]}""", "NaN")]
    [InlineData("""{"rows":[{"Ratio":1e400}]}""", "is not a Double")]
    [InlineData("""{"rows":[{"At":"yesterday"}]}""", "is not a DateTime")]
    [InlineData("""{"rows":[{"Ok":"true"}]}""", "is not a Boolean")]
    [InlineData("""{"rows":[{"Key":7}]}""", "is not a String")]
    [InlineData("""{"rows":[7]}""", "must be a JSON object")]
    [InlineData("""{"nope":[]}""", "rows")]
    public async Task RefusesRowsThatDoNotFitTheSchema(string body, string message)
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();

        using var response = await f.Http.PostAsync($"{f.Workspace}/datasets/{id}/tables/Facts/rows", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(f.Emulator.Rows("Facts"));
    }

    [Fact]
    public async Task RefusesAStringOverFourThousandCharacters()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();

        Assert.Equal(HttpStatusCode.OK, (await f.PostRawAsync(id, new { rows = new[] { new { Key = new string('x', 4000) } } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await f.PostRawAsync(id, new { rows = new[] { new { Key = new string('x', 4001) } } })).StatusCode);
    }

    [Fact]
    public async Task RefusesMoreThanTenThousandRowsInOnePost()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();

        Assert.Equal(HttpStatusCode.OK, (await f.PostRowsAsync(id, 10_000)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await f.PostRowsAsync(id, 10_001)).StatusCode);
    }

    [Fact]
    public async Task ThrottlesTheHundredAndTwentyFirstPostInAMinuteWithRetryAfter()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();
        for (var i = 0; i < 120; i++)
        {
            (await f.PostRowsAsync(id, 1)).EnsureSuccessStatusCode();
            f.Clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        using var throttled = await f.PostRowsAsync(id, 1);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(48), throttled.Headers.RetryAfter!.Delta); // the first post leaves the window 48 s on
        Assert.Equal(1, f.Emulator.Stats()["Facts"].Throttled);

        f.Clock.Advance(TimeSpan.FromSeconds(48));
        Assert.Equal(HttpStatusCode.OK, (await f.PostRowsAsync(id, 1)).StatusCode);
    }

    [Fact]
    public async Task ThrottlesRowsPerHour()
    {
        await using var f = await EmulatorFixture.StartAsync(new EmulatorLimits { MaxRowsPerHour = 100 });
        var id = await f.CreateDatasetAsync();

        Assert.Equal(HttpStatusCode.OK, (await f.PostRowsAsync(id, 60)).StatusCode);
        f.Clock.Advance(TimeSpan.FromMinutes(10));
        using var over = await f.PostRowsAsync(id, 41);

        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(50), over.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, (await f.PostRowsAsync(id, 40)).StatusCode);
    }

    [Fact]
    public async Task DropsToOneHundredTwentyPostsPerHourOnceATableIsLarge()
    {
        await using var f = await EmulatorFixture.StartAsync(new EmulatorLimits { LargeTableRows = 50, MaxPostsPerHourWhenLarge = 3 });
        var id = await f.CreateDatasetAsync();
        (await f.PostRowsAsync(id, 50)).EnsureSuccessStatusCode();
        f.Clock.Advance(TimeSpan.FromMinutes(5));
        (await f.PostRowsAsync(id, 1)).EnsureSuccessStatusCode();
        (await f.PostRowsAsync(id, 1)).EnsureSuccessStatusCode();

        using var throttled = await f.PostRowsAsync(id, 1);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(55), throttled.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task ThrottlesASixthPendingPost()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();
        f.Emulator.SetLatency(TimeSpan.FromSeconds(5));

        var pending = Enumerable.Range(0, 5).Select(_ => f.PostRowsAsync(id, 1)).ToArray();
        await WaitUntilAsync(() => f.Emulator.HeldRequests >= 5); // each held on the emulator's clock, so pending too
        using var sixth = await f.PostRowsAsync(id, 1);
        f.Clock.Advance(TimeSpan.FromSeconds(5));
        var done = await Task.WhenAll(pending);

        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.All(done, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, f.Emulator.HeldRequests);
        Assert.Equal(0, f.Emulator.PendingPosts);
    }

    [Fact]
    public async Task TheLatencyRouteHoldsEveryPostUntilItIsCleared()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();

        (await f.Http.PostAsJsonAsync("local/latency", new { milliseconds = 5000 })).EnsureSuccessStatusCode();
        var held = f.PostRowsAsync(id, 1);
        await WaitUntilAsync(() => f.Emulator.HeldRequests == 1);
        Assert.False(held.IsCompleted);
        f.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);

        (await f.Http.PostAsJsonAsync("local/latency", new { milliseconds = 0 })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await f.PostRowsAsync(id, 1)).StatusCode);
        Assert.Equal(0, f.Emulator.HeldRequests);
    }

    [Fact]
    public async Task TheLatencyRouteRefusesANegativeDelay()
    {
        await using var f = await EmulatorFixture.StartAsync();

        using var refused = await f.Http.PostAsJsonAsync("local/latency", new { milliseconds = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task FifoKeepsTheNewestRowsAndNoneRefusesPastItsCap()
    {
        await using var f = await EmulatorFixture.StartAsync(new EmulatorLimits { FifoMaxRows = 5, NoneMaxRows = 5 });
        var fifo = await f.CreateDatasetAsync("basicFIFO", "fifo");
        var none = await f.CreateDatasetAsync("None", "none");

        (await f.PostRowsAsync(fifo, 4)).EnsureSuccessStatusCode();
        (await f.PostRowsAsync(fifo, 4)).EnsureSuccessStatusCode();
        (await f.PostRowsAsync(none, 4)).EnsureSuccessStatusCode();
        using var full = await f.PostRowsAsync(none, 2);

        Assert.Equal(HttpStatusCode.BadRequest, full.StatusCode);
        Assert.Equal(9, f.Emulator.Rows("Facts").Count); // 5 kept by FIFO + 4 under None
    }

    [Fact]
    public async Task InjectedFaultsFailTheNextPostsThenClear()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();
        f.Emulator.InjectFault(503, 2);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await f.PostRowsAsync(id, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await f.PostRowsAsync(id, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await f.PostRowsAsync(id, 1)).StatusCode);
    }

    [Fact]
    public async Task PutTableChangesTheSchemaAndKeepsRows()
    {
        await using var f = await EmulatorFixture.StartAsync();
        var id = await f.CreateDatasetAsync();
        (await f.PostRowsAsync(id, 2)).EnsureSuccessStatusCode();

        using var put = await f.Http.PutAsJsonAsync($"{f.Workspace}/datasets/{id}/tables/Facts",
            new { name = "Facts", columns = new object[] { new { name = "Key", dataType = "String" }, new { name = "Extra", dataType = "String" } } });

        put.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await f.PostRawAsync(id, new { rows = new[] { new { Extra = "x" } } })).StatusCode);
        Assert.Equal(3, f.Emulator.Rows("Facts").Count);
    }

    [Theory]
    [InlineData("""{"name":"x","tables":[]}""")]
    [InlineData("""{"tables":[{"name":"T","columns":[{"name":"A","dataType":"String"}]}]}""")]
    [InlineData("""{"name":"x","tables":[{"name":"T","columns":[{"name":"A","dataType":"Money"}]}]}""")]
    [InlineData("""not json""")]
    public async Task RefusesABadDatasetDefinition(string body)
    {
        await using var f = await EmulatorFixture.StartAsync();

        using var response = await f.Http.PostAsync($"{f.Workspace}/datasets", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }


    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "The condition did not come true within 5 s.");
    }
}
