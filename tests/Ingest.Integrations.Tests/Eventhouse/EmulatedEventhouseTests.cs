using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ingest.EventhouseEmulator;

namespace Ingest.Integrations.Tests.Eventhouse;

/// <summary>The Eventhouse emulator over real HTTP, spoken to as the service is: what it checks, how it answers.</summary>
public sealed class EmulatedEventhouseTests : IAsyncLifetime
{
    private EventhouseServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await EventhouseServer.StartAsync(new EmulatedEventhouse());
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ManageAsync(string csl)
    {
        using var response = await _http.PostAsJsonAsync("v1/rest/mgmt", new { db = "ingest", csl });
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> IngestAsync(string table, string lines, string mapping = "T_json", bool gzip = false)
    {
        var data = Encoding.UTF8.GetBytes(lines);
        using var content = new ByteArrayContent(gzip ? Gzip(data) : data);
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var response = await _http.PostAsync($"v1/rest/ingest/ingest/{table}?streamFormat=MultiJSON&mappingName={mapping}", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private async Task CreateTableAsync(bool streaming = true, bool mapping = true)
    {
        Assert.Equal(HttpStatusCode.OK, (await ManageAsync(".create-merge table T (Key:string, N:long, At:datetime, Ok:bool)")).Status);
        if (mapping)
        {
            Assert.Equal(HttpStatusCode.OK, (await ManageAsync(
                """.create-or-alter table T ingestion json mapping "T_json" '[{"column":"Key","Properties":{"Path":"$.Key"}},{"column":"N","Properties":{"Path":"$.N"}},{"column":"At","Properties":{"Path":"$.At"}},{"column":"Ok","Properties":{"Path":"$.Ok"}}]'""")).Status);
        }

        if (streaming)
        {
            Assert.Equal(HttpStatusCode.OK, (await ManageAsync(".alter table T policy streamingingestion enable")).Status);
        }
    }

    private static string Error(JsonElement body, out bool permanent)
    {
        var error = body.GetProperty("error");
        permanent = error.GetProperty("@permanent").GetBoolean();
        return error.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task AppliesTheMappingToEachLineGzippedOrNotAndTypesTheValues()
    {
        await CreateTableAsync();

        Assert.Equal(HttpStatusCode.OK, (await IngestAsync("T", "{\"Key\":\"a\",\"N\":1,\"At\":\"2026-11-26T14:00:00Z\",\"Ok\":true,\"Extra\":9}\n{\"Key\":\"b\",\"N\":\"x\"}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await IngestAsync("T", "{\"Key\":\"c\",\"N\":3}", gzip: true)).Status);

        var rows = _server.Emulator.Rows("T");
        Assert.Equal(["a", "b", "c"], rows.Select(r => r.GetProperty("Key").GetString()));
        Assert.Equal(1, rows[0].GetProperty("N").GetInt64());
        Assert.Equal("2026-11-26T14:00:00Z", rows[0].GetProperty("At").GetString());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("N").ValueKind); // not a long: null, as the service stores it
        Assert.False(rows[0].TryGetProperty("Extra", out _));
        Assert.Equal(2, _server.Emulator.Stats()["T"].Posts);
    }

    [Fact]
    public async Task RefusesForGoodAMissingTableMappingOrPolicyAndTheLocalRoutesCountNothing()
    {
        var (status, body) = await IngestAsync("T", "{}");
        Assert.Equal((HttpStatusCode.BadRequest, "BadRequest_EntityNotFound"), (status, Error(body, out var permanent)));
        Assert.True(permanent);

        await CreateTableAsync(streaming: false);
        (status, body) = await IngestAsync("T", "{}");
        Assert.Equal("BadRequest_StreamingIngestionPolicyNotEnabled", Error(body, out permanent));
        Assert.True(permanent);

        Assert.Equal(HttpStatusCode.OK, (await ManageAsync(".alter table T policy streamingingestion enable")).Status);
        (status, body) = await IngestAsync("T", "{}", mapping: "Nope");
        Assert.Equal((HttpStatusCode.BadRequest, "BadRequest_MappingReferenceWasNotFound"), (status, Error(body, out permanent)));
        Assert.True(permanent);
        Assert.Empty(_server.Emulator.Rows("T"));
    }

    [Fact]
    public async Task RefusesARequestOverFourMegabytesAs413()
    {
        await CreateTableAsync();
        var line = "{\"Key\":\"" + new string('x', 1000) + "\"}\n";

        var (status, body) = await IngestAsync("T", string.Concat(Enumerable.Repeat(line, 4200)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("Stream_InputStreamTooLarge", Error(body, out _));
    }

    [Fact]
    public async Task InjectedFaultsAnswer429And503NotPermanentThenIngestAgain()
    {
        await CreateTableAsync();
        using var faults = await _http.PostAsJsonAsync("local/faults", new { status = 429, count = 1 });
        faults.EnsureSuccessStatusCode();

        using var throttled = await _http.PostAsync("v1/rest/ingest/ingest/T?streamFormat=MultiJSON&mappingName=T_json", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        Assert.Equal("General_ThrottledIngestion", Error(await throttled.Content.ReadFromJsonAsync<JsonElement>(), out var permanent));
        Assert.False(permanent);

        _server.Emulator.InjectFault(503, 1);
        var (status, body) = await IngestAsync("T", "{}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Error(body, out permanent);
        Assert.False(permanent);

        Assert.Equal(HttpStatusCode.OK, (await IngestAsync("T", "{\"Key\":\"k\"}")).Status);
        var stats = await _http.GetFromJsonAsync<JsonElement>("local/stats");
        Assert.Equal(1, stats.GetProperty("tables").GetProperty("T").GetProperty("throttled").GetInt64());
        Assert.Equal(1, stats.GetProperty("tables").GetProperty("T").GetProperty("posts").GetInt64());
    }

    [Fact]
    public async Task ACommandTheProductDoesNotSendIs400NamingIt()
    {
        var (status, body) = await ManageAsync(".drop table FactEvent");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(".drop table FactEvent", Error(body, out _) + body.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsJsonAsync("v1/rest/query", new { db = "ingest", csl = "T | count" })).StatusCode);
    }

    [Fact]
    public async Task SetOrReplaceSwapsTheRowsInOneStepAndReadsEscapedLiterals()
    {
        await CreateTableAsync();
        await IngestAsync("T", "{\"Key\":\"old\"}");

        var (status, _) = await ManageAsync("""
            .set-or-replace T <| datatable(Key:string, N:long, At:datetime, Ok:bool)
            [
                "say \"hi\"\n", 7, datetime(2026-11-26T00:00:00Z), true,
                "", long(null), datetime(null), false
            ]
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var rows = _server.Emulator.Rows("T");
        Assert.Equal(2, rows.Count);
        Assert.Equal("say \"hi\"\n", rows[0].GetProperty("Key").GetString());
        Assert.Equal(7, rows[0].GetProperty("N").GetInt64());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("N").ValueKind);
        var details = await ManageAsync(".show table T details");
        Assert.Equal(2, details.Body.GetProperty("Tables")[0].GetProperty("Rows")[0][1].GetInt64());
    }

    [Fact]
    public async Task TheMaterializedViewKeepsOneRowPerKey()
    {
        await CreateTableAsync();
        Assert.Equal(HttpStatusCode.OK, (await ManageAsync(".create ifnotexists materialized-view TUnique on table T { T | summarize take_any(*) by Key }")).Status);

        await IngestAsync("T", "{\"Key\":\"a\",\"N\":1}\n{\"Key\":\"b\",\"N\":2}\n{\"Key\":\"a\",\"N\":1}");

        Assert.Equal(3, _server.Emulator.Rows("T").Count);
        var unique = await _http.GetFromJsonAsync<JsonElement>("local/tables/TUnique");
        Assert.Equal(["a", "b"], unique.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("Key").GetString()));
    }
}
