using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Ingest.LocalHost.Tests;

/// <summary>The Bicep CLI from NuGet (PackageDownload in the project file), and infra/azure/main.bicep compiled by it once per test run.</summary>
public static class BicepCli
{
    public static readonly string MainTemplate = Path.Combine(Ingest.Testing.ExternalTool.RepositoryRoot, "infra", "azure", "main.bicep");

    private static readonly Lazy<Task<JsonObject>> Compiled = new(CompileMainAsync);

    private static string Cli => typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await StartAsync(arguments);
        return (exitCode, output + error);
    }

    /// <summary>main.bicep as ARM JSON: what Azure would deploy, read by the tests of what the templates hold.</summary>
    public static Task<JsonObject> MainAsync() => Compiled.Value;

    /// <summary>The compiled monitoring module (a nested deployment of main.bicep), in the scope of main's defaults.</summary>
    public static async Task<ArmScope> MonitoringAsync()
    {
        var main = await MainAsync();
        var deployment = Resources(main).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Resources/deployments"
            && r["properties"]!["template"]!["resources"]!.AsArray().Any(n => n!["type"]!.GetValue<string>() == "Microsoft.Insights/scheduledQueryRules"));
        return ArmScope.OfDefaults(main).Nested(deployment);
    }

    /// <summary>
    /// The function app's settings as main.bicep builds them (one toObject over createObject('name', …, 'value', …)
    /// entries): each setting's value unevaluated, so a test sees what it is built from.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ArmExpression>> AppSettingsAsync()
    {
        var config = Resources(await MainAsync()).Single(r => r["type"]!.GetValue<string>() == "Microsoft.Web/sites/config" && r["name"]!.GetValue<string>().Contains("'appsettings'", StringComparison.Ordinal));
        return ArmExpression.Of(config["properties"]!.GetValue<string>()).DescendantsAndSelf()
            .OfType<ArmExpression.Call>()
            .Where(c => c.Is("createObject", "name") && c.Arguments.Count == 4 && c.Arguments[1].String is not null && c.Arguments[2].String == "value")
            .ToDictionary(c => c.Arguments[1].String!, c => c.Arguments[3]);
    }

    /// <summary>A template's resources, whether a list (language version 1) or keyed by symbolic name (2.0).</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray list => list.Select(r => r!.AsObject()),
        JsonObject named => named.Select(p => p.Value!.AsObject()),
        _ => [],
    };

    private static async Task<JsonObject> CompileMainAsync()
    {
        // Only stdout is the template; what stderr says goes into the failure.
        var (exitCode, output, error) = await StartAsync("build", MainTemplate, "--stdout");
        return exitCode == 0 ? JsonNode.Parse(output)!.AsObject() : throw new InvalidOperationException($"bicep build failed ({exitCode}): {error}");
    }

    private static async Task<(int ExitCode, string Output, string Error)> StartAsync(params string[] arguments)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(Cli) & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(Cli, File.GetUnixFileMode(Cli) | UnixFileMode.UserExecute); // NuGet does not keep the mode bits
        }

        var start = new ProcessStartInfo(Cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output, await error);
    }
}
