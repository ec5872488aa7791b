using System.Globalization;
using System.Net;
using System.Text;

namespace Ingest.PowerBiEmulator;

/// <summary>Serves an <see cref="HttpClient"/> from an in-process emulator, so the same REST client code runs locally.</summary>
public sealed class EmulatorHttpHandler(IEmulatedSink emulator) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var uri = request.RequestUri!;
        var answer = await emulator.HandleAsync(
            new EmulatorRequest(request.Method.Method, uri.AbsolutePath, uri.Query, body, Headers(request)), cancellationToken);

        var response = new HttpResponseMessage((HttpStatusCode)answer.Status) { RequestMessage = request };
        response.Content = new StringContent(answer.Json ?? string.Empty, Encoding.UTF8, "application/json");
        if (answer.RetryAfter is { } retryAfter)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", Seconds(retryAfter));
        }

        response.Headers.TryAddWithoutValidation("RequestId", Guid.NewGuid().ToString());
        return response;
    }

    private static Dictionary<string, string> Headers(HttpRequestMessage request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            headers[name] = string.Join(",", values);
        }

        return headers;
    }

    internal static string Seconds(TimeSpan retryAfter)
        => ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
