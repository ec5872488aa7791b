using System.Text;
using Azure.Storage.Queues;
using Ingest.Core.Capture;
using Ingest.Core.Domain;
using Ingest.Integrations.Capture;

namespace Ingest.Integrations.Tests.Capture;

/// <summary>The capture queue's semantics, the same for the embedded queue and Azure Storage (Azurite).</summary>
public abstract class CaptureQueueContract : IAsyncLifetime
{
    protected static readonly CaptureOptions Options = new() { RedriveDelay = TimeSpan.FromSeconds(1), VisibilityTimeout = TimeSpan.FromSeconds(1) };

    protected ICaptureQueue Queue { get; set; } = null!;

    public abstract Task InitializeAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected static IngestEnvelope Envelope(string body, string requestId = "r1")
        => new("aloware", requestId, new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero), Encoding.UTF8.GetBytes(body));

    protected abstract Task AfterAsync(TimeSpan delay);

    private async Task<IReadOnlyList<CapturedDelivery>> ReceiveAsync() => await Queue.ReceiveAsync(32, CancellationToken.None);

    [Fact]
    public async Task ACaptureIsInvisibleUntilTheRedriveDelayThenCarriesTheEnvelope()
    {
        await Queue.CaptureAsync(Envelope("{\"a\":1}"), CancellationToken.None);

        Assert.Empty(await ReceiveAsync());
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var delivery = Assert.Single(await ReceiveAsync());

        Assert.Equal(1, delivery.DequeueCount);
        Assert.Equal("r1", delivery.Envelope.RequestId);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(delivery.Envelope.Body.Span));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero), delivery.Envelope.ReceivedAtUtc);
    }

    [Fact]
    public async Task ADeletedCaptureNeverComesBack()
    {
        var captured = await Queue.CaptureAsync(Envelope("{}"), CancellationToken.None);

        await Queue.DeleteAsync(captured, CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await ReceiveAsync());
    }

    [Fact]
    public async Task AReceivedDeliveryComesBackAfterItsVisibilityTimeoutWithAHigherCount()
    {
        await Queue.CaptureAsync(Envelope("{}"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var first = Assert.Single(await ReceiveAsync());

        Assert.Empty(await ReceiveAsync());
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var second = Assert.Single(await ReceiveAsync());

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        await Queue.DeleteAsync(first, CancellationToken.None); // a stale receipt: the message stays
        await Queue.DeleteAsync(second, CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        Assert.Empty(await ReceiveAsync());
    }

    [Fact]
    public async Task APoisonedDeliveryLeavesTheQueue()
    {
        await Queue.CaptureAsync(Envelope("{}"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));

        await Queue.MoveToPoisonAsync(Assert.Single(await ReceiveAsync()), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await ReceiveAsync());
    }

    [Fact]
    public async Task ReplayByRequestIdFindsADeliveryBehindManyOthersAndLeavesTheRestPoisoned()
    {
        for (var i = 0; i < 40; i++)
        {
            await Queue.CaptureAsync(Envelope("{}", $"p{i}"), CancellationToken.None);
        }

        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var received = new List<CapturedDelivery>();
        while (await ReceiveAsync() is { Count: > 0 } batch)
        {
            received.AddRange(batch);
        }

        foreach (var delivery in received.OrderBy(d => int.Parse(d.Envelope.RequestId[1..], System.Globalization.CultureInfo.InvariantCulture)))
        {
            await Queue.MoveToPoisonAsync(delivery, CancellationToken.None);
        }

        Assert.Equal(40, (await Queue.ReplayPoisonAsync(null, dryRun: true, CancellationToken.None)).Count);
        var replayed = await Queue.ReplayPoisonAsync("p39", dryRun: false, CancellationToken.None);

        Assert.Equal("p39", Assert.Single(replayed).RequestId);
        Assert.Equal("p39", Assert.Single(await ReceiveAsync()).Envelope.RequestId);
        Assert.Equal(39, (await Queue.ReplayPoisonAsync(null, dryRun: true, CancellationToken.None)).Count);
        Assert.Equal(39, (await Queue.ReplayPoisonAsync(null, dryRun: false, CancellationToken.None)).Count);
        Assert.Empty(await Queue.ReplayPoisonAsync(null, dryRun: true, CancellationToken.None));
    }

    [Fact]
    public async Task ARedrivePostponeBringsTheDeliveryBackAfterTheDelayWithAFreshCount()
    {
        await Queue.CaptureAsync(Envelope("{\"p\":1}", "r5"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var first = Assert.Single(await ReceiveAsync());
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var second = Assert.Single(await ReceiveAsync());
        Assert.Equal(2, second.DequeueCount);

        await Queue.PostponeAsync(second, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Empty(await ReceiveAsync());
        await AfterAsync(TimeSpan.FromSeconds(2.5));
        var again = Assert.Single(await ReceiveAsync());
        Assert.Equal(1, again.DequeueCount);
        Assert.Equal("{\"p\":1}", Encoding.UTF8.GetString(again.Envelope.Body.Span));
        Assert.Empty(await ReceiveAsync()); // one copy, not two
    }
}

public sealed class InMemoryCaptureQueueContract : CaptureQueueContract
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new();

    public override Task InitializeAsync()
    {
        Queue = new InMemoryCaptureQueue(Microsoft.Extensions.Options.Options.Create(Options), _clock);
        return Task.CompletedTask;
    }

    protected override Task AfterAsync(TimeSpan delay)
    {
        _clock.Advance(delay);
        return Task.CompletedTask;
    }
}

[Collection(AzuriteCollection.Name)]
[Trait("Category", "Slow")]
public sealed class StorageQueueCaptureQueueContract(AzuriteFixture azurite) : CaptureQueueContract
{
    private StorageQueueCaptureQueue _storage = null!;

    public override async Task InitializeAsync()
    {
        // Each test gets its own storage account's worth of names by clearing the fixed queue first.
        _storage = new StorageQueueCaptureQueue(Microsoft.Extensions.Options.Options.Create(Options), Microsoft.Extensions.Options.Options.Create(new StorageCaptureOptions { Connection = azurite.Azurite.ConnectionString }));
        await _storage.EnsureCreatedAsync(CancellationToken.None);
        await new QueueClient(azurite.Azurite.ConnectionString, StorageCaptureOptions.QueueName).ClearMessagesAsync();
        await new QueueClient(azurite.Azurite.ConnectionString, StorageCaptureOptions.PoisonQueueName).ClearMessagesAsync();
        Queue = _storage;
    }

    protected override Task AfterAsync(TimeSpan delay) => Task.Delay(delay);

    [Fact]
    public async Task ABodyTooLargeForAMessageTravelsAsAClaimCheckBlob()
    {
        var large = "{\"pad\":\"" + new string('x', 200 * 1024) + "\"}";
        await Queue.CaptureAsync(Envelope(large, "big"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));

        var delivery = Assert.Single(await Queue.ReceiveAsync(32, CancellationToken.None));

        Assert.Equal(large, Encoding.UTF8.GetString(delivery.Envelope.Body.Span));
    }

    [Fact]
    public async Task TheQueueTriggersMessageTextOpensToTheSameEnvelope()
    {
        await Queue.CaptureAsync(Envelope("{\"b\":2}", "r9"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var raw = (await new QueueClient(azurite.Azurite.ConnectionString, StorageCaptureOptions.QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })
            .ReceiveMessagesAsync(1)).Value.Single();

        var envelope = await _storage.OpenAsync(raw.MessageText, CancellationToken.None);

        Assert.Equal("r9", envelope.RequestId);
        Assert.Equal("{\"b\":2}", Encoding.UTF8.GetString(envelope.Body.Span));
    }

    [Fact]
    public async Task APostponedMessageComesBackAfterTheDelayWithAFreshCount()
    {
        await Queue.CaptureAsync(Envelope("{\"c\":3}", "r7"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var queue = new QueueClient(azurite.Azurite.ConnectionString, StorageCaptureOptions.QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var raw = (await queue.ReceiveMessagesAsync(1)).Value.Single();
        Assert.Equal(1, raw.DequeueCount);

        await _storage.PostponeAsync(raw.MessageText, TimeSpan.FromSeconds(2), CancellationToken.None);
        await queue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt); // what the Functions host does when the attempt succeeds

        Assert.Empty(await Queue.ReceiveAsync(32, CancellationToken.None));
        await AfterAsync(TimeSpan.FromSeconds(2.5));
        var again = Assert.Single(await Queue.ReceiveAsync(32, CancellationToken.None));
        Assert.Equal(1, again.DequeueCount);
        Assert.Equal("r7", again.Envelope.RequestId);
        Assert.Equal("{\"c\":3}", Encoding.UTF8.GetString(again.Envelope.Body.Span));
    }

    /// <summary>
    /// The body is base64 inside the JSON and the client encodes the JSON again (about 1.78×): bodies of 37–40 KB
    /// were refused by the queue (503 at the webhook) while smaller ones fit and larger ones went to a blob.
    /// </summary>
    [Theory]
    [InlineData(30)]
    [InlineData(36)]
    [InlineData(37.5)]
    [InlineData(38.5)]
    [InlineData(39.5)]
    [InlineData(41)]
    [InlineData(64)]
    public async Task EveryBodySizeIsCapturedWhetherInlineOrAsAClaimCheck(double kilobytes)
    {
        var body = "{\"pad\":\"" + new string('x', (int)(kilobytes * 1024) - 10) + "\"}";

        await Queue.CaptureAsync(Envelope(body, "sized"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));

        var delivery = Assert.Single(await Queue.ReceiveAsync(32, CancellationToken.None));
        Assert.Equal(body, Encoding.UTF8.GetString(delivery.Envelope.Body.Span));
    }

    [Fact]
    public async Task APoisonedClaimCheckKeepsItsBodyAndNeverExpires()
    {
        var large = "{\"pad\":\"" + new string('y', 100 * 1024) + "\"}";
        await Queue.CaptureAsync(Envelope(large, "big-poison"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));

        await Queue.MoveToPoisonAsync(Assert.Single(await Queue.ReceiveAsync(32, CancellationToken.None)), CancellationToken.None);

        var poison = new QueueClient(azurite.Azurite.ConnectionString, StorageCaptureOptions.PoisonQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var message = (await poison.PeekMessagesAsync(32)).Value.Single(m => m.MessageText.Contains("big-poison", StringComparison.Ordinal));
        Assert.True(message.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100), $"the poison message expires on {message.ExpiresOn}");
        Assert.Equal(large, Encoding.UTF8.GetString((await _storage.OpenAsync(message.MessageText, CancellationToken.None)).Body.Span));
        await poison.ClearMessagesAsync();
    }

    [Fact]
    public async Task AClaimCheckBodySurvivesAPostponeAndIsDeletedWhenItsDeliverySettles()
    {
        var large = "{\"pad\":\"" + new string('z', 100 * 1024) + "\"}";
        await Queue.CaptureAsync(Envelope(large, "big-settle"), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var first = Assert.Single(await Queue.ReceiveAsync(32, CancellationToken.None));

        await Queue.PostponeAsync(first, TimeSpan.FromSeconds(1), CancellationToken.None);
        await AfterAsync(TimeSpan.FromSeconds(1.5));
        var again = Assert.Single(await Queue.ReceiveAsync(32, CancellationToken.None));
        Assert.Equal(large, Encoding.UTF8.GetString(again.Envelope.Body.Span));
        await Queue.DeleteAsync(again, CancellationToken.None);

        var blobs = new Azure.Storage.Blobs.BlobContainerClient(azurite.Azurite.ConnectionString, new StorageCaptureOptions().BlobContainer);
        await foreach (var blob in blobs.GetBlobsAsync())
        {
            Assert.DoesNotContain("big-settle", blob.Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ABodyTheLifecycleRuleRemovedBeforeItsDeliverySettledGoesToPoisonNotToTheBin()
    {
        var large = "{\"pad\":\"" + new string('z', 100 * 1024) + "\"}";
        var old = new IngestEnvelope("aloware", "big-expired", DateTimeOffset.UtcNow - new StorageCaptureOptions().ClaimCheckRetention, Encoding.UTF8.GetBytes(large));
        await Queue.CaptureAsync(old, CancellationToken.None);
        await Queue.CaptureAsync(Envelope(large, "big-settled-elsewhere"), CancellationToken.None);
        var blobs = new Azure.Storage.Blobs.BlobContainerClient(azurite.Azurite.ConnectionString, new StorageCaptureOptions().BlobContainer);
        await foreach (var blob in blobs.GetBlobsAsync())
        {
            await blobs.DeleteBlobAsync(blob.Name);
        }

        await AfterAsync(TimeSpan.FromSeconds(1.5));
        Assert.Empty(await Queue.ReceiveAsync(32, CancellationToken.None));

        // The recent one is another copy of a settled delivery; the old one lost its body unsettled, and ops must see it.
        var poison = new QueueClient(azurite.Azurite.ConnectionString, StorageCaptureOptions.PoisonQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var poisoned = Assert.Single((await poison.ReceiveMessagesAsync(32)).Value);
        Assert.Contains("big-expired", poisoned.MessageText, StringComparison.Ordinal);
    }
}
