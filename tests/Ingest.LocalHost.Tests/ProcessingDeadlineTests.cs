using System.Diagnostics;
using Ingest.Core.Capture;
using Microsoft.Extensions.DependencyInjection;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// Aloware gives up after 110 s and never retries: a delivery still processing at the deadline is answered
/// <c>deferred</c> at once, and its fact still lands exactly once (behind the answer, or through the redrive).
/// </summary>
[Trait("Category", "Slow")]
public abstract class ProcessingDeadlineTests(string sink) : IDisposable
{
    private readonly LocalHostFactory _host = new(LocalHostFactory.On(sink, new()
    {
        ["Webhook:ProcessingDeadline"] = "00:00:02",
        ["Capture:RedriveDelay"] = "00:00:01",
        ["Capture:PollInterval"] = "00:00:00.200",
    }));

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ASlowSinkIsAnsweredDeferredAtTheDeadlineAndTheFactLandsOnce()
    {
        await _host.RowsAsync("FactEvent"); // started: roster loaded and pushed before the sink slows down
        var emulator = _host.Sink;
        emulator.SetLatency(TimeSpan.FromSeconds(6));

        var clock = Stopwatch.StartNew();
        var answer = await _host.AnswerOfAsync(LocalHostFactory.Sample("sms-inbound-completed.json"));
        var answeredIn = clock.Elapsed;

        Assert.Equal("deferred", answer.GetProperty("status").GetString());
        Assert.True(answeredIn < TimeSpan.FromSeconds(5), $"answered after {answeredIn}, not at the 2 s deadline");
        emulator.SetLatency(TimeSpan.Zero);

        var queue = (InMemoryCaptureQueue)_host.Services.GetRequiredService<ICaptureQueue>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((emulator.Rows("FactEvent").Count == 0 || queue.Count > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // time for any second copy to show
        Assert.Single(emulator.Rows("FactEvent"));
        Assert.Equal(0, queue.Count);
        Assert.Empty(queue.Poison);
    }
}

[Trait("Category", "Slow")]
public sealed class ProcessingDeadlineOnPowerBiTests() : ProcessingDeadlineTests(LocalHostFactory.PowerBi);

[Trait("Category", "Slow")]
public sealed class ProcessingDeadlineOnEventhouseTests() : ProcessingDeadlineTests(LocalHostFactory.Eventhouse);
