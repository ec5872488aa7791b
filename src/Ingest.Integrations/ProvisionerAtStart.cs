using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ingest.Integrations;

/// <summary>
/// Creates what the app needs (a table, queues) before the host serves. If the store is unreachable just then (a
/// restart during an outage), the host still starts and keeps trying in the background: deliveries are deferred
/// or refused meanwhile as during any outage, and nothing accepted is lost. Creating must be idempotent: several
/// instances may run it at the same moment.
/// </summary>
public abstract class ProvisionerAtStart(ILogger logger) : IHostedService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;

    /// <summary>What is provisioned, for the log.</summary>
    protected abstract string What { get; }

    protected virtual bool Enabled => true;

    protected abstract Task ProvisionAsync(CancellationToken cancellationToken);

    /// <summary>Timeouts, refused or dropped connections, server faults: an outage, not a wrong setting (which stops the start).</summary>
    protected abstract bool IsUnreachable(Exception e);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            await ProvisionAsync(cancellationToken);
        }
        catch (Exception e) when (IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Could not provision {What} at start; retrying every {RetryEvery} in the background", What, RetryEvery);
            _retrying = RetryUntilProvisionedAsync(_stopping.Token);
        }
    }

    private async Task RetryUntilProvisionedAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryEvery, stopping);
                await ProvisionAsync(stopping);
                logger.LogInformation("Provisioned {What} after the start", What);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsUnreachable(e))
            {
                logger.LogWarning("Still unreachable for provisioning {What}: {Reason}", What, e.Message);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _retrying;
    }
}
