using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Integrations.Eventhouse;

/// <summary>
/// Applies infra/fabric's scripts to the database, one command at a time, in order: tables, mappings, streaming
/// policies, the materialized view, the dashboard's functions, and, only when a principal is given, the roles. Every
/// command is idempotent (create-merge, create-or-alter, ifnotexists), so two instances starting at once both come up.
/// </summary>
public sealed class EventhouseBootstrap(EventhouseClient client, ILogger<EventhouseBootstrap> logger)
{
    /// <returns>How many commands were applied.</returns>
    public async Task<int> ApplyAsync(string database, string? principal, CancellationToken cancellationToken)
    {
        var applied = 0;
        foreach (var (name, text) in EventhouseScripts.All)
        {
            if (name == EventhouseScripts.RolesScript && principal is null)
            {
                continue;
            }

            foreach (var command in EventhouseScripts.Commands(text, database, principal))
            {
                await client.ExecuteAsync(command, cancellationToken);
                applied++;
            }
        }

        logger.LogInformation("Applied the Eventhouse bootstrap to {Database}: {Commands} command(s)", database, applied);
        return applied;
    }
}

/// <summary>With <c>Eventhouse__Bootstrap=true</c>, the bootstrap runs before the host serves (never the roles).</summary>
public sealed class EventhouseBootstrapAtStart(EventhouseBootstrap bootstrap, IOptions<EventhouseOptions> options, ILogger<EventhouseBootstrapAtStart> logger)
    : ProvisionerAtStart(logger)
{
    protected override string What => "the Eventhouse's tables, mappings, policies, view and functions";

    protected override bool Enabled => options.Value.Bootstrap;

    protected override Task ProvisionAsync(CancellationToken cancellationToken) => bootstrap.ApplyAsync(options.Value.Database, principal: null, cancellationToken);

    protected override bool IsUnreachable(Exception e)
        => e is HttpRequestException or TaskCanceledException or EventhouseException { IsTransient: true } or EventhouseException { Status: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden };
}

/// <summary>The Eventhouse answers a control command that reads nothing but its table list.</summary>
public sealed class EventhouseProbe(EventhouseClient client) : DependencyProbe
{
    public const string Name = "eventhouse";

    protected override Task ProbeAsync(CancellationToken cancellationToken) => client.ExecuteAsync(".show tables", cancellationToken);
}
