namespace Ingest.Testing;

/// <summary>The repository's sample Aloware deliveries, read where the repository keeps them.</summary>
public static class Samples
{
    public static string Folder => Path.Combine(ExternalTool.RepositoryRoot, "samples", "aloware");

    public static string Read(string name) => File.ReadAllText(Path.Combine(Folder, name));
}
