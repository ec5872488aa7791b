using Ingest.Core.Capture;
using Microsoft.Extensions.Options;

namespace Ingest.LocalHost;

/// <summary>
/// The local host's stand-in for the queue trigger: several loops poll the capture queue and redrive what
/// they find, so a backlog left by an outage drains while new deferred deliveries keep arriving.
/// </summary>
public sealed class RedriveService(Redriver redriver, IOptions<CaptureOptions> options, TimeProvider clock, ILogger<RedriveService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(Enumerable.Range(0, options.Value.RedriveConcurrency).Select(_ => LoopAsync(stoppingToken)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more are waiting: go again at once, so a backlog drains at full speed.
                var (received, _) = await redriver.RunOnceAsync(stoppingToken);
                if (received < Redriver.BatchSize)
                {
                    await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The redrive loop failed; retrying after {PollInterval}", options.Value.PollInterval);
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
        }
    }
}
