using System.Text.RegularExpressions;

namespace Ingest.LocalHost.Tests;

/// <summary>
/// The docs stand alone in a clone: every relative link names a file of this repository (and a heading in it,
/// when it has an anchor), every other link is https, and the README stays a front page.
/// </summary>
public sealed partial class DocumentationLinksTests
{
    private static readonly string Root = Path.GetFullPath(Ingest.Testing.ExternalTool.RepositoryRoot);

    public static TheoryData<string> Documents()
    {
        var documents = new TheoryData<string>();
        foreach (var path in new[] { "README.md", "infra/README.md" }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Select(p => Path.GetRelativePath(Root, p))))
        {
            documents.Add(path.Replace('\\', '/'));
        }

        return documents;
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#+\s+(?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    /// <summary>The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static string Anchor(string title)
        => Regex.Replace(title.Trim().ToLowerInvariant().Replace("`", "", StringComparison.Ordinal), @"[^\p{L}\p{N}\- ]", "").Replace(' ', '-');

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryLinkResolves(string document)
    {
        var path = Path.Combine(Root, document);
        foreach (Match link in Link().Matches(File.ReadAllText(path)))
        {
            var target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal))
            {
                Assert.StartsWith("https://", target, StringComparison.Ordinal);
                continue;
            }

            var (file, anchor) = target.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, null);
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            Assert.True(resolved.StartsWith(Root, StringComparison.Ordinal), $"{document} links outside the repository: {target}");
            Assert.True(File.Exists(resolved) || Directory.Exists(resolved), $"{document} links to a missing {target}");
            if (anchor is not null)
            {
                var anchors = Heading().Matches(File.ReadAllText(resolved)).Select(h => Anchor(h.Groups["title"].Value)).ToHashSet();
                Assert.True(anchors.Contains(anchor), $"{document} links to a missing heading {target}");
            }
        }
    }

    [Fact]
    public void TheReadmeOpensWithTheTwoCommandsAndStaysAFrontPage()
    {
        var readme = File.ReadAllLines(Path.Combine(Root, "README.md"));

        Assert.True(readme.Length <= 150, $"README.md has {readme.Length} lines; move detail to docs/");
        Assert.Equal(["```bash", "dotnet run --project src/Ingest.LocalHost", "dotnet test", "```"], readme.Skip(2).Take(4));
    }
}
