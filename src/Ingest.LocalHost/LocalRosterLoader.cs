using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Microsoft.Extensions.Options;

namespace Ingest.LocalHost;

/// <summary>At start, when no roster is stored, loads the sample (or <c>LOCAL_ROSTER_FILE</c>) and pushes it to DimAgent.</summary>
public sealed class LocalRosterLoader(
    IRosterStore roster,
    ISinkTables tables,
    IOptions<LocalHostOptions> options,
    TimeProvider clock,
    ILogger<LocalRosterLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            // The host still starts: deliveries are deferred until the store answers, and nothing is lost.
            logger.LogError(e, "Could not read or store the roster at start; every delivery will be deferred until the state store answers");
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (!(await roster.GetAsync(cancellationToken)).IsEmpty)
        {
            return;
        }

        if (options.Value.ResolveRosterFile() is not { } path)
        {
            logger.LogWarning("No roster file at {RosterFile}: every fact will be gated until a roster is posted", options.Value.RosterFile);
            return;
        }

        var agents = await RosterFile.LoadAsync(path, clock.GetUtcNow().UtcDateTime, cancellationToken);
        await roster.ReplaceAsync(agents, cancellationToken);
        await tables.ReplaceRowsAsync(TableNames.DimAgent, agents, cancellationToken);
        logger.LogInformation("Loaded {Agents} agent(s) from {RosterFile} into the roster and DimAgent", agents.Count, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
