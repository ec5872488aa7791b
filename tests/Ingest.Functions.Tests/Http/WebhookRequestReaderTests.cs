using System.Text;
using Ingest.Functions.Configuration;
using Ingest.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Tests.Http;

public class WebhookRequestReaderTests
{
    private readonly WebhookRequestReader _reader = new(Options.Create(new WebhookOptions { MaxBodyBytes = 1024 }), TimeProvider.System);

    private async Task<(Core.Domain.IngestEnvelope? Envelope, IActionResult? Problem)> ReadAsync(string? contentType, byte[] body, bool sendLength = true)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = sendLength ? body.Length : null;
        return await _reader.ReadAsync(context.Request, "Aloware", CancellationToken.None);
    }

    private static ProblemDetails Problem(IActionResult? result, int status)
    {
        var objectResult = Assert.IsType<ObjectResult>(result);
        Assert.Equal(status, objectResult.StatusCode);
        Assert.Contains(Problems.ContentType, objectResult.ContentTypes);
        return Assert.IsType<ProblemDetails>(objectResult.Value);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.aloware+json")]
    public async Task ReadsAJsonBodyIntoAnEnvelope(string contentType)
    {
        var (envelope, problem) = await ReadAsync(contentType, "{\"a\":1}"u8.ToArray());

        Assert.Null(problem);
        Assert.Equal("aloware", envelope!.Source);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(envelope.Body.Span));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task RefusesAnotherContentTypeWith415(string? contentType)
    {
        var problem = Problem((await ReadAsync(contentType, "{}"u8.ToArray())).Problem, 415);

        Assert.True(((Dictionary<string, string[]>)problem.Extensions["errors"]!).ContainsKey("Content-Type"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RefusesABodyOverTheLimitWith413WithOrWithoutContentLength(bool sendLength)
    {
        Problem((await ReadAsync("application/json", new byte[1025], sendLength)).Problem, 413);
    }

    [Fact]
    public async Task AcceptsABodyExactlyAtTheLimit()
    {
        var (envelope, _) = await ReadAsync("application/json", Encoding.UTF8.GetBytes("\"" + new string('x', 1022) + "\""));

        Assert.NotNull(envelope);
    }

    [Fact]
    public async Task RefusesAnEmptyBodyWith400NamingTheBody()
    {
        var problem = Problem((await ReadAsync("application/json", [])).Problem, 400);

        Assert.True(((Dictionary<string, string[]>)problem.Extensions["errors"]!).ContainsKey("body"));
    }
}
