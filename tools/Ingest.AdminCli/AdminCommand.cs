using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ingest.Core.Admin;

namespace Ingest.AdminCli;

/// <summary>
/// <c>ingest-admin &lt;command&gt; --url &lt;app&gt; [--file body] [--dry-run] [--print]</c>. The secret comes from
/// <c>ADMIN_HMAC_SECRET</c> (the first one when several are listed), the optional key from <c>ADMIN_API_KEY</c>.
/// <c>--dry-run</c> asks the app for a preview where the endpoint offers one; <c>--print</c> prints the signed
/// request and sends nothing. Exit codes: 0 done, 1 the server refused or failed, 2 usage.
/// </summary>
public sealed class AdminCommand(IReadOnlyDictionary<string, string?> environment, HttpClient http, TextWriter output, TextWriter errors)
{
    public static readonly IReadOnlyDictionary<string, string> Paths = new Dictionary<string, string>
    {
        ["dimagent sync"] = "/api/admin/dimagent/sync",
        ["dimmetric sync"] = "/api/admin/dimmetric/sync",
        ["dimmetric rollback"] = "/api/admin/dimmetric/rollback",
        ["dimdate seed"] = "/api/admin/dimdate/seed",
        ["dimshift sync"] = "/api/admin/dimshift/sync",
        ["replay"] = "/api/admin/replay",
        ["backfill aloware"] = "/api/admin/backfill/aloware",
        ["reconcile hubspot"] = "/api/admin/reconcile/hubspot",
        ["quarantine list"] = "/api/admin/quarantine/list",
    };

    /// <summary>Commands whose file is sent as CSV, and whose preview is asked in the query rather than the body.</summary>
    private static readonly HashSet<string> CsvCommands = ["backfill aloware"];

    /// <summary>Commands whose endpoint previews on <c>dryRun</c>.</summary>
    private static readonly HashSet<string> Previewing = ["backfill aloware", "reconcile hubspot", "replay"];

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public async Task<int> RunAsync(string[] args)
    {
        var (command, url, file, dryRun, print, problem) = Parse(args);
        if (problem is not null)
        {
            await errors.WriteLineAsync(problem);
            await errors.WriteLineAsync(Usage);
            return 2;
        }

        var secret = environment.GetValueOrDefault("ADMIN_HMAC_SECRET")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (string.IsNullOrEmpty(secret))
        {
            await errors.WriteLineAsync("Set ADMIN_HMAC_SECRET to the admin secret (it is never read from the command line).");
            return 2;
        }

        byte[] body;
        try
        {
            body = file is null ? [] : await File.ReadAllBytesAsync(file);
        }
        catch (IOException e)
        {
            await errors.WriteLineAsync($"Cannot read {file}: {e.Message}");
            return 2;
        }

        var csv = CsvCommands.Contains(command!);
        var path = Paths[command!];
        if (dryRun && csv)
        {
            path += "?dryRun=true";
        }
        else if (dryRun && WithDryRun(body) is { } previewBody)
        {
            body = previewBody;
        }
        else if (dryRun)
        {
            await errors.WriteLineAsync($"--dry-run needs the body to be a JSON object; {file} is not one.");
            return 2;
        }

        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(url!), path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new(csv ? "text/csv" : "application/json");
        request.Headers.Add("X-Admin-Timestamp", timestamp);
        request.Headers.Add("X-Admin-Nonce", nonce);
        request.Headers.Add("X-Admin-Signature", AdminAuthenticator.Sign(secret, timestamp, nonce, "POST", path, body));
        if (environment.GetValueOrDefault("ADMIN_API_KEY") is { Length: > 0 } apiKey)
        {
            request.Headers.Add("X-Admin-Api-Key", apiKey);
        }

        if (print)
        {
            await PrintRequestAsync(request, body);
            return 0;
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            await output.WriteLineAsync(Reformat(text));
            return 0;
        }

        await errors.WriteLineAsync(DescribeFailure((int)response.StatusCode, text));
        return 1;
    }

    private const string Usage = """
        usage: ingest-admin <command> --url https://<app> [--file body.json|export.csv] [--dry-run] [--print]
          commands:  dimagent sync | dimmetric sync | dimmetric rollback | dimdate seed | dimshift sync | replay
                     backfill aloware | reconcile hubspot | quarantine list
          --dry-run  the app previews and writes nothing (backfill aloware, reconcile hubspot, replay)
          --print    print the signed request and send nothing
          env:       ADMIN_HMAC_SECRET (required), ADMIN_API_KEY (when the app requires one)
        """;

    /// <summary>The JSON body with <c>"dryRun": true</c> set (an empty body becomes just that), or null when it is not an object.</summary>
    private static byte[]? WithDryRun(byte[] body)
    {
        try
        {
            var json = body.Length == 0 ? new System.Text.Json.Nodes.JsonObject() : System.Text.Json.Nodes.JsonNode.Parse(body) as System.Text.Json.Nodes.JsonObject;
            if (json is null)
            {
                return null;
            }

            json["dryRun"] = true;
            return JsonSerializer.SerializeToUtf8Bytes(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (string? Command, string? Url, string? File, bool DryRun, bool Print, string? Problem) Parse(string[] args)
    {
        string? url = null, file = null;
        var dryRun = false;
        var print = false;
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--url" when i + 1 < args.Length: url = args[++i]; break;
                case "--file" when i + 1 < args.Length: file = args[++i]; break;
                case "--dry-run": dryRun = true; break;
                case "--print": print = true; break;
                case var option when option.StartsWith("--", StringComparison.Ordinal): return Fail($"Unknown or incomplete option {option}.");
                default: words.Add(args[i]); break;
            }
        }

        var command = string.Join(' ', words);
        if (!Paths.ContainsKey(command))
        {
            return Fail($"Unknown command '{command}'.");
        }

        if (dryRun && !Previewing.Contains(command))
        {
            return Fail($"'{command}' has no preview: --dry-run is for {string.Join(", ", Previewing)}; --print shows the request without sending it.");
        }

        if (CsvCommands.Contains(command) && file is null)
        {
            return Fail($"'{command}' sends a file: give it with --file.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            return Fail("--url must be the app's absolute URL, such as https://ingest.example.net.");
        }

        return (command, url, file, dryRun, print, null);

        static (string?, string?, string?, bool, bool, string?) Fail(string problem) => (null, null, null, false, false, problem);
    }

    /// <summary>The exact request, so ops can compare it with a curl + openssl recipe; the secret is not in it.</summary>
    private async Task PrintRequestAsync(HttpRequestMessage request, byte[] body)
    {
        await output.WriteLineAsync($"POST {request.RequestUri}");
        foreach (var (name, values) in request.Headers.Concat(request.Content!.Headers))
        {
            await output.WriteLineAsync($"{name}: {string.Join(' ', values)}");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(Encoding.UTF8.GetString(body));
    }

    private static string Reformat(string json)
    {
        try
        {
            return JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(json), Pretty);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>"400 Invalid request" then one line per field error, or the problem's detail and reason.</summary>
    internal static string DescribeFailure(int status, string text)
    {
        var lines = new StringBuilder();
        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(text);
            lines.Append(CultureInfo.InvariantCulture, $"{status} {Text(problem, "title")}");
            if (Text(problem, "reason") is { } reason)
            {
                lines.Append(CultureInfo.InvariantCulture, $" ({reason})");
            }

            if (problem.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fields.EnumerateObject())
                {
                    foreach (var message in field.Value.EnumerateArray())
                    {
                        lines.Append(CultureInfo.InvariantCulture, $"\n  {field.Name}: {message.GetString()}");
                    }
                }
            }
            else if (Text(problem, "detail") is { } detail)
            {
                lines.Append(CultureInfo.InvariantCulture, $"\n  {detail}");
            }
        }
        catch (JsonException)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{status}\n  {text}");
        }

        return lines.ToString();
    }

    private static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
