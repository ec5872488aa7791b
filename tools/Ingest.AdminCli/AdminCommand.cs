using System.CommandLine;

namespace Ingest.AdminCli;

/// <summary>
/// <c>ingest-admin &lt;command&gt; --url &lt;app&gt; [--file body] [--dry-run] [--print]</c>, on System.CommandLine. The
/// secret comes from <c>ADMIN_HMAC_SECRET</c> (the first one when several are listed), the optional key from
/// <c>ADMIN_API_KEY</c>. <c>--dry-run</c> asks the app for a preview where the endpoint offers one; <c>--print</c>
/// prints the signed request and sends nothing. Exit codes: 0 done, 1 the server refused or failed, 2 usage.
/// </summary>
public sealed class AdminCommand(IReadOnlyDictionary<string, string?> environment, HttpClient http, TextWriter output, TextWriter errors)
{
    /// <summary>One admin endpoint: its words on the command line, its path, whether its file is CSV, whether it previews.</summary>
    private sealed record Endpoint(string Group, string? Verb, string Path, string Description, bool Csv = false, bool Previews = false);

    private static readonly Endpoint[] Endpoints =
    [
        new("dimagent", "sync", "/api/admin/dimagent/sync", "Clear and repopulate DimAgent from Aloware (or the posted members)."),
        new("dimmetric", "sync", "/api/admin/dimmetric/sync", "Publish a month's goals as a new DimMetric version."),
        new("dimmetric", "rollback", "/api/admin/dimmetric/rollback", "Put a month's previous DimMetric version back."),
        new("dimdate", "seed", "/api/admin/dimdate/seed", "Clear and repopulate DimDate."),
        new("dimshift", "sync", "/api/admin/dimshift/sync", "Clear and repopulate DimShift and its rules."),
        new("replay", null, "/api/admin/replay", "Send poisoned deliveries through the pipeline again.", Previews: true),
        new("backfill", "aloware", "/api/admin/backfill/aloware", "Land what an Aloware CSV export holds and FactEvent lacks.", Csv: true, Previews: true),
        new("reconcile", "hubspot", "/api/admin/reconcile/hubspot", "Land what HubSpot's search finds and FactEvent lacks.", Previews: true),
        new("quarantine", "list", "/api/admin/quarantine/list", "List the facts held for agents not on the roster."),
    ];

    /// <summary>The short usage shown after a usage error; <c>--help</c> gives the full one.</summary>
    private static string Usage => $"""
        usage: ingest-admin <command> --url https://<app> [--file body.json|export.csv] [--dry-run] [--after-line N] [--print]
          commands:  {string.Join(" | ", Endpoints.Select(Words))}
          --dry-run  the app previews and writes nothing ({string.Join(", ", Endpoints.Where(e => e.Previews).Select(Words))})
          --after-line N  backfill only: count the export's lines after line N (where a run stopped at its deadline)
          --print    print the signed request and send nothing
          env:       ADMIN_HMAC_SECRET (required), ADMIN_API_KEY (when the app requires one)
        or:    ingest-admin eventhouse bootstrap --query-uri https://<eventhouse> --database <db> [--principal aadapp=<id>;<tenant>] [--authentication None]
        """;

    private readonly Option<string> _url = UrlOption();
    private readonly Option<bool> _print = new("--print") { Description = "Print the signed request and send nothing." };

    public async Task<int> RunAsync(string[] args)
    {
        // No @file expansion: a body file is always named by --file.
        var parsed = Commands().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await errors.WriteLineAsync(error.Message);
            }

            await errors.WriteLineAsync(Usage);
            return 2;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors });
    }

    private RootCommand Commands()
    {
        var root = new RootCommand("Signs and sends Ingest.Functions admin requests.");
        foreach (var group in Endpoints.GroupBy(e => e.Group))
        {
            if (group.First() is { Verb: null } single)
            {
                root.Subcommands.Add(Command(single.Group, single));
                continue;
            }

            var parent = new Command(group.Key);
            foreach (var endpoint in group)
            {
                parent.Subcommands.Add(Command(endpoint.Verb!, endpoint));
            }

            root.Subcommands.Add(parent);
        }

        root.Subcommands.Add(EventhouseCommand.Create(output, errors));
        return root;
    }

    private Command Command(string name, Endpoint endpoint)
    {
        var file = new Option<FileInfo?>("--file") { Description = endpoint.Csv ? "The CSV export to send." : "The JSON body to send.", Required = endpoint.Csv };
        var command = new Command(name, endpoint.Description) { _url, file, _print };
        var dryRun = new Option<bool>("--dry-run") { Description = "The app previews and writes nothing." };
        if (endpoint.Previews)
        {
            command.Options.Add(dryRun);
        }

        var afterLine = new Option<int?>("--after-line") { Description = "Count only the export's lines after this one (a run that stopped at its deadline names it)." };
        afterLine.Validators.Add(r => { if (r.GetValueOrDefault<int?>() < 1) { r.AddError("--after-line must be a line number, 1 or more."); } });
        if (endpoint.Csv)
        {
            command.Options.Add(afterLine);
        }

        command.SetAction((result, cancellationToken) => SendAsync(
            endpoint, new Uri(result.GetValue(_url)!), result.GetValue(file), endpoint.Previews && result.GetValue(dryRun), endpoint.Csv ? result.GetValue(afterLine) : null, result.GetValue(_print), cancellationToken));
        return command;
    }

    private async Task<int> SendAsync(Endpoint endpoint, Uri app, FileInfo? file, bool dryRun, int? afterLine, bool print, CancellationToken cancellationToken)
    {
        var secret = environment.GetValueOrDefault("ADMIN_HMAC_SECRET")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (string.IsNullOrEmpty(secret))
        {
            await errors.WriteLineAsync("Set ADMIN_HMAC_SECRET to the admin secret (it is never read from the command line).");
            return 2;
        }

        byte[] body;
        try
        {
            body = file is null ? [] : await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        }
        catch (IOException e)
        {
            await errors.WriteLineAsync($"Cannot read {file!.FullName}: {e.Message}");
            return 2;
        }

        var path = endpoint.Path;
        if (endpoint.Csv)
        {
            // The body is the CSV itself, so the preview and the resume point are asked in the (signed) query.
            var query = string.Join('&', new[] { dryRun ? "dryRun=true" : null, afterLine is { } line ? $"afterLine={line}" : null }.OfType<string>());
            path += query.Length > 0 ? "?" + query : "";
        }
        else if (dryRun)
        {
            if (SignedAdminRequest.WithDryRun(body) is not { } preview)
            {
                await errors.WriteLineAsync($"--dry-run needs the body to be a JSON object; {file!.FullName} is not one.");
                return 2;
            }

            body = preview;
        }

        using var request = SignedAdminRequest.Create(app, path, body, endpoint.Csv, secret, environment.GetValueOrDefault("ADMIN_API_KEY"));
        if (print)
        {
            await SignedAdminRequest.PrintAsync(request, body, output);
            return 0;
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            await errors.WriteLineAsync($"Cannot reach {app}: {e.Message}");
            return 1;
        }

        using var answered = response;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            await output.WriteLineAsync(AdminReplies.Reformat(text));
            return 0;
        }

        await errors.WriteLineAsync(AdminReplies.DescribeFailure((int)response.StatusCode, text));
        return 1;
    }

    private static string Words(Endpoint endpoint) => endpoint.Verb is null ? endpoint.Group : $"{endpoint.Group} {endpoint.Verb}";

    private static Option<string> UrlOption()
    {
        var url = new Option<string>("--url") { Description = "The app's absolute URL, such as https://ingest.example.net.", Required = true };
        url.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out _))
            {
                result.AddError("--url must be the app's absolute URL, such as https://ingest.example.net.");
            }
        });
        return url;
    }
}
