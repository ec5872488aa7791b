namespace Ingest.LocalHost.Tests;

/// <summary>infra/azure/main.bicep builds to an ARM template and lints clean, with the Bicep CLI from NuGet.</summary>
[Trait("Category", "Slow")]
public sealed class InfraTemplateBuildTests
{
    [Fact]
    public async Task TheTemplateBuildsWithoutAWarning()
    {
        var (exitCode, output) = await BicepCli.RunAsync("build", BicepCli.MainTemplate, "--stdout");

        Assert.Equal(0, exitCode);
        Assert.Contains("\"$schema\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTemplateLintsClean()
    {
        var (exitCode, output) = await BicepCli.RunAsync("lint", BicepCli.MainTemplate);

        Assert.Equal(0, exitCode);
        Assert.True(string.IsNullOrWhiteSpace(output), output);
    }
}
