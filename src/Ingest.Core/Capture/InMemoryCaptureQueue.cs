using Ingest.Core.Domain;
using Microsoft.Extensions.Options;

namespace Ingest.Core.Capture;

/// <summary>
/// The embedded capture queue for <c>dotnet run</c>, with a storage queue's semantics: invisible after
/// capture and after each receive, deleted only with the pop receipt of the latest receive.
/// Durable only for the life of the process, which is what the embedded defaults promise.
/// </summary>
public sealed class InMemoryCaptureQueue(IOptions<CaptureOptions> options, TimeProvider clock) : ICaptureQueue
{
    private sealed record Entry(IngestEnvelope Envelope, DateTimeOffset VisibleAt, long DequeueCount, string PopReceipt);

    private readonly Dictionary<string, Entry> _messages = new(StringComparer.Ordinal);
    private readonly List<CapturedDelivery> _poison = [];

    public IReadOnlyList<CapturedDelivery> Poison
    {
        get
        {
            lock (_messages)
            {
                return _poison.ToArray();
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_messages)
            {
                return _messages.Count;
            }
        }
    }

    public Task<CapturedDelivery> CaptureAsync(IngestEnvelope envelope, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var entry = new Entry(envelope, clock.GetUtcNow() + options.Value.RedriveDelay, 0, NewReceipt());
        lock (_messages)
        {
            _messages[id] = entry;
        }

        return Task.FromResult(new CapturedDelivery(id, entry.PopReceipt, 0, envelope));
    }

    public Task<IReadOnlyList<CapturedDelivery>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var received = new List<CapturedDelivery>();
        lock (_messages)
        {
            foreach (var (id, entry) in _messages.Where(m => m.Value.VisibleAt <= now).Take(maxMessages).ToArray())
            {
                var taken = entry with { VisibleAt = now + options.Value.VisibilityTimeout, DequeueCount = entry.DequeueCount + 1, PopReceipt = NewReceipt() };
                _messages[id] = taken;
                received.Add(new CapturedDelivery(id, taken.PopReceipt, taken.DequeueCount, taken.Envelope));
            }
        }

        return Task.FromResult<IReadOnlyList<CapturedDelivery>>(received);
    }

    public Task DeleteAsync(CapturedDelivery delivery, CancellationToken cancellationToken)
    {
        lock (_messages)
        {
            if (_messages.TryGetValue(delivery.MessageId, out var entry) && entry.PopReceipt == delivery.PopReceipt)
            {
                _messages.Remove(delivery.MessageId);
            }
        }

        return Task.CompletedTask;
    }

    public Task PostponeAsync(CapturedDelivery delivery, TimeSpan delay, CancellationToken cancellationToken)
    {
        lock (_messages)
        {
            if (_messages.TryGetValue(delivery.MessageId, out var entry) && entry.PopReceipt == delivery.PopReceipt)
            {
                _messages[delivery.MessageId] = entry with { VisibleAt = clock.GetUtcNow() + delay, DequeueCount = 0, PopReceipt = NewReceipt() };
            }
        }

        return Task.CompletedTask;
    }

    public Task MoveToPoisonAsync(CapturedDelivery delivery, CancellationToken cancellationToken)
    {
        lock (_messages)
        {
            if (_messages.Remove(delivery.MessageId))
            {
                _poison.Add(delivery);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IngestEnvelope>> ReplayPoisonAsync(string? requestId, bool dryRun, CancellationToken cancellationToken)
    {
        lock (_messages)
        {
            var chosen = _poison.Where(p => requestId is null || p.Envelope.RequestId == requestId).ToArray();
            if (!dryRun)
            {
                foreach (var poisoned in chosen)
                {
                    _poison.Remove(poisoned);
                    _messages[Guid.NewGuid().ToString("N")] = new Entry(poisoned.Envelope, clock.GetUtcNow(), 0, NewReceipt());
                }
            }

            return Task.FromResult<IReadOnlyList<IngestEnvelope>>(chosen.Select(p => p.Envelope).ToArray());
        }
    }

    private static string NewReceipt() => Guid.NewGuid().ToString("N");
}
