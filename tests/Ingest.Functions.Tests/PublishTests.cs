using System.IO.Compression;
using System.Text.Json;
using Ingest.Testing;

namespace Ingest.Functions.Tests;

/// <summary>
/// <c>dotnet publish</c> of the Functions app gives a folder that zip-deploys: the worker, host.json, and a
/// functions.metadata that names every function the host must index.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PublishTests
{
    private static readonly string[] Functions =
        ["Webhook", "Redrive", "Health", "AdminReplay", "AdminDimAgentSync", "AdminDimMetricSync", "AdminDimMetricRollback", "AdminDimDateSeed", "AdminDimShiftSync", "DailyDimAgentSync",
         "AdminBackfillAloware", "AdminQuarantineList", "AdminReconcileHubSpot", "DailyHubSpotReconcile"];

    [Fact]
    public async Task PublishGivesAZipDeployableFolderListingEveryFunction()
    {
        var output = Directory.CreateTempSubdirectory("ingest-publish-");
        try
        {
            var project = Path.Combine(ExternalTool.RepositoryRoot, "src", "Ingest.Functions", "Ingest.Functions.csproj");
            var (code, log) = await ExternalTool.RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", output.FullName, "--nologo"], ExternalTool.RepositoryRoot, TimeSpan.FromMinutes(8));
            Assert.True(code == 0, $"dotnet publish failed (exit {code}):\n{log}");

            foreach (var file in new[] { "Ingest.Functions.dll", "host.json", "worker.config.json", "functions.metadata" })
            {
                Assert.True(File.Exists(Path.Combine(output.FullName, file)), $"{file} is not in the published folder");
            }

            using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, "functions.metadata")));
            var listed = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order().ToArray();
            Assert.Equal(Functions.Order(), listed);

            var zip = Path.Combine(output.Parent!.FullName, output.Name + ".zip");
            ZipFile.CreateFromDirectory(output.FullName, zip);
            using var archive = ZipFile.OpenRead(zip);
            Assert.Contains(archive.Entries, e => e.FullName == "functions.metadata");
            File.Delete(zip);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
