using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Ingest.Testing;

namespace Ingest.FaultCampaign;

/// <summary>One attempt at a HubSpot batch (0 for the first) and how it went.</summary>
public sealed record HubSpotAttempt(HubSpotBatch Batch, int Attempt, SentRequest Request);

/// <summary>The senders: Aloware posting each delivery once, HubSpot retrying a batch, both through the front door.</summary>
public sealed partial class Campaign
{
    private static readonly TimeSpan SenderTimeout = TimeSpan.FromSeconds(110); // Aloware's

    /// <summary>HubSpot gives up on an answer slower than this and retries the batch later.</summary>
    private static readonly TimeSpan HubSpotTimeout = TimeSpan.FromSeconds(5);

    /// <summary>HubSpot retries a failed batch up to 10 times over a day; the campaign does so 3 times, 10 s apart.</summary>
    private const int HubSpotRetries = 3;

    private readonly HttpClient _sender = new() { Timeout = SenderTimeout };
    private readonly HttpClient _hubSpotSender = new() { Timeout = HubSpotTimeout };
    private long _requestIds;

    private async Task SendAlowareAsync(Uri target, Delivery delivery, ConcurrentBag<Answer> answers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target, "api/webhook/aloware"))
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var keys = delivery.ExpectedEventKey is { } key ? new[] { key } : [];
        answers.Add(new Answer(delivery, await SendAsync(_sender, request, keys)));
    }

    /// <summary>Sends and disposes <paramref name="request"/>; no answer (refused, dropped, timed out) is status 0.</summary>
    private async Task<SentRequest> SendAsync(HttpClient client, HttpRequestMessage request, IReadOnlyList<string> keys)
    {
        var id = Interlocked.Increment(ref _requestIds).ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(FrontDoor.RequestIdHeader, id);
        var sent = _clock.Elapsed;
        try
        {
            using (request)
            using (var response = await client.SendAsync(request))
            {
                var held = response.Headers.TryGetValues(FrontDoor.HeldHeader, out var values)
                    ? TimeSpan.FromMilliseconds(double.Parse(values.First(), CultureInfo.InvariantCulture))
                    : TimeSpan.Zero;
                return new SentRequest(keys, sent, _clock.Elapsed, (int)response.StatusCode, held, DroppedAtKill: false);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The sender sees a failure, so nothing was promised; the front door knows whether a kill dropped it.
            return new SentRequest(keys, sent, _clock.Elapsed, 0, TimeSpan.Zero, _door.DroppedAtKill(id));
        }
    }

    private async Task SendHubSpotBatchesAsync(IReadOnlyList<HubSpotBatch> batches, ConcurrentBag<HubSpotAttempt> attempts)
    {
        var sending = new List<Task>();
        foreach (var batch in batches)
        {
            var wait = TimeSpan.FromSeconds(batch.At) - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            sending.Add(SendHubSpotAsync(batch, attempts));
        }

        await Task.WhenAll(sending);
    }

    /// <summary>Posts a batch as HubSpot does, retrying after a failure or an answer slower than HubSpot waits.</summary>
    private async Task SendHubSpotAsync(HubSpotBatch batch, ConcurrentBag<HubSpotAttempt> attempts)
    {
        for (var attempt = 0; ; attempt++)
        {
            var sent = await SendAsync(_hubSpotSender, HubSpotTraffic.Request(_door.Address, batch, attempt), batch.ExpectedKeys);
            attempts.Add(new HubSpotAttempt(batch, attempt, sent));
            if (sent.Status is >= 200 and < 300 || attempt == HubSpotRetries)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(10));
        }
    }
}
