using System.Diagnostics;
using System.Reflection;

namespace Ingest.LocalHost.Tests;

/// <summary>infra/azure/main.bicep builds to an ARM template and lints clean, with the Bicep CLI from NuGet.</summary>
[Trait("Category", "Slow")]
public sealed class InfraTemplateBuildTests
{
    private static readonly string Template = Path.Combine(Ingest.Testing.ExternalTool.RepositoryRoot, "infra", "azure", "main.bicep");

    private static string Cli => typeof(InfraTemplateBuildTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;

    private static async Task<(int ExitCode, string Output)> BicepAsync(params string[] arguments)
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
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task TheTemplateBuildsWithoutAWarning()
    {
        var (exitCode, output) = await BicepAsync("build", Template, "--stdout");

        Assert.Equal(0, exitCode);
        Assert.Contains("\"$schema\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTemplateLintsClean()
    {
        var (exitCode, output) = await BicepAsync("lint", Template);

        Assert.Equal(0, exitCode);
        Assert.True(string.IsNullOrWhiteSpace(output), output);
    }
}
