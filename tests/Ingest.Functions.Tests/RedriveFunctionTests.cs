using System.Text;
using Azure.Storage.Queues;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.Capture;
using Ingest.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Ingest.Functions.Tests;

/// <summary>The queue-triggered redrive on Azurite, called as the Functions host calls it: with the message text.</summary>
public sealed class RedriveFunctionTests : IAsyncLifetime
{
    private Azurite _azurite = null!;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task WhilePowerBisCircuitIsOpenTheMessageIsPostponedNotAttempted()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ALOWARE_WEBHOOK_TOKEN"] = "a-test-token",
            ["ADMIN_HMAC_SECRET"] = "a-test-admin-secret-0001",
            ["PowerBi:WorkspaceId"] = "ws",
            ["PowerBi:Authentication"] = "None",
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["Capture:RedriveDelay"] = "00:00:01",
        }).Build();
        var refusing = new Mock<IFactSink>();
        refusing.Setup(s => s.RefusingFor).Returns(TimeSpan.FromSeconds(4));
        var services = new ServiceCollection().AddLogging().AddIngestApp(configuration).AddSingleton(refusing.Object).BuildServiceProvider();
        var captures = services.GetRequiredService<StorageQueueCaptureQueue>();
        await captures.EnsureCreatedAsync(CancellationToken.None);
        var raw = new QueueClient(_azurite.ConnectionString, StorageCaptureOptions.QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await captures.CaptureAsync(new IngestEnvelope("aloware", "r-open", DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes("""{"event":"x","body":{"id":5,"type":2,"user_id":101}}""")), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var message = (await raw.ReceiveMessagesAsync(1)).Value.Single();

        await ActivatorUtilities.CreateInstance<RedriveFunction>(services).Run(message.MessageText, CancellationToken.None);
        await raw.DeleteMessageAsync(message.MessageId, message.PopReceipt); // the host's part when an attempt succeeds

        Assert.Empty((await raw.ReceiveMessagesAsync(1)).Value); // postponed past the open circuit
        refusing.Verify(s => s.PostAsync(It.IsAny<IReadOnlyList<FactEventRow>>(), It.IsAny<CancellationToken>()), Times.Never());
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        var again = (await raw.ReceiveMessagesAsync(1)).Value.Single();
        Assert.Equal(1, again.DequeueCount); // a fresh count: the outage spent none of the delivery's attempts
        Assert.Equal("r-open", (await captures.OpenAsync(again.MessageText, CancellationToken.None)).RequestId);
    }
}
