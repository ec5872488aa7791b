using System.CommandLine;
using Ingest.Integrations.Eventhouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.AdminCli;

/// <summary>
/// <c>ingest-admin eventhouse bootstrap --query-uri URI --database DB [--principal P] [--authentication Entra|None]</c>:
/// applies infra/fabric/*.kql to the KQL database directly, as the operator (their Azure sign-in), with the same
/// client the app uses. With <c>--principal</c> (the app's identity, <c>aadapp=&lt;client id&gt;;&lt;tenant&gt;</c>) the
/// roles script grants it its database roles. Idempotent: run it again after an upgrade.
/// </summary>
public static class EventhouseCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var queryUri = new Option<string>("--query-uri") { Description = "The Eventhouse's query URI (or an Azure Data Explorer cluster URI).", Required = true };
        queryUri.Validators.Add(r => { if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out _)) { r.AddError("--query-uri must be an absolute URL, such as https://<id>.<region>.kusto.fabric.microsoft.com."); } });
        var database = new Option<string>("--database") { Description = "The KQL database.", Required = true };
        var principal = new Option<string?>("--principal") { Description = "The app's identity to grant its roles, such as aadapp=<client id>;<tenant id>." };
        var authentication = new Option<string>("--authentication") { Description = "Entra (your sign-in, the default) or None (the emulator only).", DefaultValueFactory = _ => "Entra" };
        authentication.AcceptOnlyFromAmong("Entra", "None");
        var bootstrap = new Command("bootstrap", "Create or update the Eventhouse's tables, mappings, policies, view, functions and (with --principal) roles.")
        {
            queryUri, database, principal, authentication,
        };
        bootstrap.SetAction(async (result, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Eventhouse:QueryUri"] = result.GetValue(queryUri),
                ["Eventhouse:Database"] = result.GetValue(database),
                ["Eventhouse:Authentication"] = result.GetValue(authentication),
            };
            await using var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
                .AddEventhouse(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
                .BuildServiceProvider();
            try
            {
                var applied = await services.GetRequiredService<EventhouseBootstrap>().ApplyAsync(result.GetValue(database)!, result.GetValue(principal), cancellationToken);
                await output.WriteLineAsync($"applied {applied} command(s) to {result.GetValue(database)}{(result.GetValue(principal) is null ? " (no roles: pass --principal to grant the app's)" : string.Empty)}");
                return 0;
            }
            catch (Exception e) when (e is EventhouseException or HttpRequestException or TaskCanceledException)
            {
                await errors.WriteLineAsync("The Eventhouse refused or did not answer: " + e.Message);
                return 1;
            }
        });
        return new Command("eventhouse", "Set up the Fabric Eventhouse sink.") { bootstrap };
    }
}
