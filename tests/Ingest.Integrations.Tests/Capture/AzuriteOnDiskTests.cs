using Azure.Storage.Queues;
using Ingest.Testing;

namespace Ingest.Integrations.Tests.Capture;

/// <summary>
/// The Azurite fixture keeps its store on disk: the in-memory store of 3.35 cleans settled message chunks every 60 s one
/// by one, which stalled the queue for seconds under load (docs/benchmarks.md).
/// </summary>
[Trait("Category", "Slow")]
public sealed class AzuriteOnDiskTests
{
    [Fact]
    public async Task KeepsItsQueuesInAFolderOfItsOwnAndDeletesItWhenStopped()
    {
        var azurite = await Azurite.StartAsync();
        string folder;
        try
        {
            folder = azurite.DataFolder;
            var queue = new QueueClient(azurite.ConnectionString, "on-disk");
            await queue.CreateAsync();
            await queue.SendMessageAsync("kept on disk");

            Assert.Contains(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories), f => new FileInfo(f).Length > 0);
            Assert.Equal("kept on disk", (await queue.ReceiveMessageAsync()).Value.MessageText);
        }
        finally
        {
            await azurite.DisposeAsync();
        }

        Assert.False(Directory.Exists(folder));
    }
}
