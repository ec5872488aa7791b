using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Ingest.Core.Capture;
using Ingest.Core.Domain;
using Ingest.Core.Storage;
using Ingest.Integrations.Capture;
using Ingest.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Ingest.Functions.Tests;

/// <summary>The queue-triggered redrive on Azurite, called as the Functions host calls it: with the received message.</summary>
[Trait("Category", "Slow")]
public sealed class RedriveFunctionTests : IAsyncLifetime
{
    private const string Text = """{"event":"x","body":{"id":5,"type":2,"user_id":101}}""";
    private Azurite _azurite = null!;
    private QueueClient _raw = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _raw = new QueueClient(_azurite.ConnectionString, StorageCaptureOptions.QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private async Task<ServiceProvider> ServicesAsync(IFactSink sink, int maxDequeueCount = 5, ISinkAvailability? availability = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ALOWARE_WEBHOOK_TOKEN"] = "a-test-token",
            ["ADMIN_HMAC_SECRET"] = "a-test-admin-secret-0001",
            ["PowerBi:WorkspaceId"] = "ws",
            ["PowerBi:Authentication"] = "None",
            ["PowerBi:BaseUrl"] = "http://127.0.0.1:9/", // nothing listens: only loopback is ever contacted
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["Capture:RedriveDelay"] = "00:00:02",
            ["Capture:MaxDequeueCount"] = maxDequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddFunctionsApp(configuration).AddSingleton(sink).AddSingleton(Mock.Of<ISinkTables>())
            .AddSingleton(availability ?? new AlwaysAvailable()).BuildServiceProvider();
        await services.GetRequiredService<StorageQueueCaptureQueue>().EnsureCreatedAsync(CancellationToken.None);
        await services.GetRequiredService<IRosterStore>().ReplaceAsync([new DimAgent { AgentID = 101, Name = "Agent 101" }], CancellationToken.None);
        return services;
    }

    /// <summary>Captures a delivery and receives it as the trigger would, once it is visible.</summary>
    private async Task<QueueMessage> CaptureAndReceiveAsync(ServiceProvider services, string requestId)
    {
        await services.GetRequiredService<StorageQueueCaptureQueue>().CaptureAsync(new IngestEnvelope("aloware", requestId, DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes(Text)), CancellationToken.None);
        return await ReceiveWithinAsync(TimeSpan.FromSeconds(5));
    }

    private async Task<QueueMessage> ReceiveWithinAsync(TimeSpan timeout, TimeSpan? visibility = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if ((await _raw.ReceiveMessagesAsync(1, visibility ?? TimeSpan.FromSeconds(1))).Value.SingleOrDefault() is { } message)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, "no message came back");
            await Task.Delay(200);
        }
    }

    private static Task Run(ServiceProvider services, QueueMessage message)
        => ActivatorUtilities.CreateInstance<RedriveFunction>(services).Run(message, CancellationToken.None);

    [Fact]
    public async Task WhilePowerBisCircuitIsOpenTheMessageIsPostponedNotAttempted()
    {
        var refusing = new Mock<IFactSink>();
        await using var services = await ServicesAsync(refusing.Object, availability: Mock.Of<ISinkAvailability>(a => a.RefusingFor == TimeSpan.FromSeconds(4)));
        var message = await CaptureAndReceiveAsync(services, "r-open");

        await Run(services, message);
        await _raw.DeleteMessageAsync(message.MessageId, message.PopReceipt); // the host's part when an attempt succeeds

        Assert.Empty((await _raw.ReceiveMessagesAsync(1)).Value); // postponed past the open circuit
        refusing.Verify(s => s.PostAsync(It.IsAny<IReadOnlyList<FactEventRow>>(), It.IsAny<CancellationToken>()), Times.Never());
        var again = await ReceiveWithinAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, again.DequeueCount); // a fresh count: the outage spent none of the delivery's attempts
        Assert.Equal("r-open", (await services.GetRequiredService<StorageQueueCaptureQueue>().OpenAsync(again.MessageText, CancellationToken.None)).RequestId);
    }

    [Fact]
    public async Task AFactHeldByAnotherWorkerPostponesTheMessageWithAFreshCountInsteadOfSpendingAnAttempt()
    {
        var sink = new Mock<IFactSink>();
        await using var services = await ServicesAsync(sink.Object, maxDequeueCount: 1);
        await services.GetRequiredService<ILedger>().ClaimAsync("aloware#TEXTS#5", "agent=101;date=0", CancellationToken.None); // a stalled worker
        var message = await CaptureAndReceiveAsync(services, "r-held");

        await Run(services, message); // the last allowed attempt, yet nothing is poisoned
        await _raw.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        var again = await ReceiveWithinAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, again.DequeueCount);
        var poison = new QueueClient(_azurite.ConnectionString, StorageCaptureOptions.PoisonQueueName);
        Assert.Empty((await poison.PeekMessagesAsync(32)).Value);
        sink.Verify(s => s.PostAsync(It.IsAny<IReadOnlyList<FactEventRow>>(), It.IsAny<CancellationToken>()), Times.Never());
    }

    [Fact]
    public async Task TheLastFailedAttemptPoisonsTheMessageWithNoExpiry()
    {
        var broken = new Mock<IFactSink>();
        broken.Setup(s => s.PostAsync(It.IsAny<IReadOnlyList<FactEventRow>>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("a bug, not an outage"));
        await using var services = await ServicesAsync(broken.Object, maxDequeueCount: 2);
        var first = await CaptureAndReceiveAsync(services, "r-bad");

        await Assert.ThrowsAsync<RedriveFailedException>(() => Run(services, first)); // the host makes it visible again
        var second = await ReceiveWithinAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, second.DequeueCount);
        await Run(services, second);
        await _raw.DeleteMessageAsync(second.MessageId, second.PopReceipt);

        var poison = new QueueClient(_azurite.ConnectionString, StorageCaptureOptions.PoisonQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var poisoned = (await poison.PeekMessagesAsync(32)).Value.Single();
        Assert.True(poisoned.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"the poison message expires on {poisoned.ExpiresOn}");
        Assert.Equal("r-bad", (await services.GetRequiredService<StorageQueueCaptureQueue>().OpenAsync(poisoned.MessageText, CancellationToken.None)).RequestId);
    }

    [Fact]
    public async Task AMessageThatIsNoCaptureIsPoisonedAtOnceOnItsFirstAttempt()
    {
        var sink = new Mock<IFactSink>();
        await using var services = await ServicesAsync(sink.Object, maxDequeueCount: 5);
        await _raw.SendMessageAsync("not a capture at all");
        var message = await ReceiveWithinAsync(TimeSpan.FromSeconds(5));

        await Run(services, message); // no throw: retrying cannot help, and the host's own poisoning would let it expire
        await _raw.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        var poison = new QueueClient(_azurite.ConnectionString, StorageCaptureOptions.PoisonQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        Assert.Equal("not a capture at all", (await poison.PeekMessagesAsync(32)).Value.Single().MessageText);
        await Assert.ThrowsAsync<CaptureUnreadableException>(() => services.GetRequiredService<ITriggeredCaptures>().OpenAsync(message.MessageText, CancellationToken.None));
    }
}
