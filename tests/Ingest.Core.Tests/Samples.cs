namespace Ingest.Core.Tests;

/// <summary>The repository's sample deliveries, copied beside the tests.</summary>
internal static class Samples
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "samples", "aloware", name));
}
