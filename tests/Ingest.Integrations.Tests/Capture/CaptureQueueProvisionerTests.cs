using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Ingest.Core.Capture;
using Ingest.Integrations.Capture;
using Ingest.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Integrations.Tests.Capture;

[Collection(AzuriteCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class CaptureQueueProvisionerTests(AzuriteFixture azurite)
{
    [GeneratedRegex(@"(?<kind>QueueEndpoint|BlobEndpoint)=(?<origin>http://127\.0\.0\.1:\d+)/")]
    private static partial Regex Endpoint();

    [Fact]
    public async Task AHostStartingWhileStorageIsUnreachableStartsAndProvisionsOnceItAnswers()
    {
        // Found by the 15-minute fault campaign (seed 2): a host restarted while the queue was refused crashed at start.
        var origins = Endpoint().Matches(azurite.Azurite.ConnectionString).ToDictionary(m => m.Groups["kind"].Value, m => m.Groups["origin"].Value);
        await using var queueProxy = new TcpProxy(new Uri(origins["QueueEndpoint"]));
        await using var blobProxy = new TcpProxy(new Uri(origins["BlobEndpoint"]));
        var proxied = azurite.Azurite.ConnectionString
            .Replace(origins["QueueEndpoint"], queueProxy.Address.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace(origins["BlobEndpoint"], blobProxy.Address.ToString().TrimEnd('/'), StringComparison.Ordinal);
        var container = "late" + Guid.NewGuid().ToString("N")[..10];
        var queue = new StorageQueueCaptureQueue(Microsoft.Extensions.Options.Options.Create(new CaptureOptions()),
            Microsoft.Extensions.Options.Options.Create(new StorageCaptureOptions { Connection = proxied, BlobContainer = container }));
        var provisioner = new CaptureQueueProvisioner(queue, NullLogger<CaptureQueueProvisioner>.Instance);
        queueProxy.Cut();
        blobProxy.Cut();

        await provisioner.StartAsync(CancellationToken.None); // does not throw: the host starts
        queueProxy.Restore();
        blobProxy.Restore();

        var blobs = new BlobContainerClient(azurite.Azurite.ConnectionString, container);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await blobs.ExistsAsync() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        await provisioner.StopAsync(CancellationToken.None);
        Assert.True(await blobs.ExistsAsync(), "the claim-check container was never created");
    }
}
