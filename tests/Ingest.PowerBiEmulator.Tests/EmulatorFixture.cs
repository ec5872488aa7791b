using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.PowerBiEmulator.Tests;

/// <summary>One emulator per test over real HTTP on a loopback port, on a controllable clock.</summary>
public sealed class EmulatorFixture : IAsyncDisposable
{
    private EmulatorServer? _server;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    public PushEmulator Emulator => _server!.Emulator;
    public HttpClient Http { get; private set; } = null!;
    public const string Group = "11111111-2222-3333-4444-555555555555";
    public string Workspace => $"v1.0/myorg/groups/{Group}";

    public static async Task<EmulatorFixture> StartAsync(EmulatorLimits? limits = null)
    {
        var fixture = new EmulatorFixture();
        fixture._server = await EmulatorServer.StartAsync(new PushEmulator(fixture.Clock, limits));
        fixture.Http = new HttpClient { BaseAddress = fixture._server.BaseAddress };
        return fixture;
    }

    public async Task<string> CreateDatasetAsync(string retention = "None", string name = "Ingest")
    {
        var body = new
        {
            name,
            defaultMode = "Push",
            tables = new object[]
            {
                new { name = "Facts", columns = new object[] { new { name = "Key", dataType = "String" }, new { name = "Count", dataType = "Int64" }, new { name = "Ratio", dataType = "Double" }, new { name = "At", dataType = "DateTime" }, new { name = "Ok", dataType = "Boolean" } } },
            },
        };
        using var response = await Http.PostAsJsonAsync($"{Workspace}/datasets?defaultRetentionPolicy={retention}", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public Task<HttpResponseMessage> PostRowsAsync(string datasetId, int count, string table = "Facts")
        => PostRawAsync(datasetId, new { rows = Enumerable.Range(0, count).Select(i => new { Key = $"k{i}", Count = i }).ToArray() }, table);

    public Task<HttpResponseMessage> PostRawAsync(string datasetId, object body, string table = "Facts")
        => Http.PostAsJsonAsync($"{Workspace}/datasets/{datasetId}/tables/{table}/rows", body, ColumnNames);

    /// <summary>Property names as written: they are the column names.</summary>
    public static JsonSerializerOptions ColumnNames { get; } = new();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _server!.DisposeAsync();
    }
}
