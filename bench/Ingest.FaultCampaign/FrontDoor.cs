using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Ingest.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ingest.FaultCampaign;

/// <summary>
/// The Functions front end, as far as the campaign needs it: one loopback address in front of the hosts that sends
/// each request to a live host, holds requests while none is live (a cold start), and, when a host is taken down for
/// a kill, drops the requests it has in flight there, so a delivery left unanswered is one in flight at a kill.
/// </summary>
public sealed class FrontDoor : IAsyncDisposable
{
    /// <summary>The sender's name for a request, so that what the front door dropped can be matched to what was sent.</summary>
    public const string RequestIdHeader = "X-Campaign-Request";

    /// <summary>On every answer: how long the request waited for a live host before it was sent to one.</summary>
    public const string HeldHeader = "X-Front-Door-Held-Ms";

    // As long as the campaign gives a host to start: a request held longer is dropped as a failure of its own.
    private static readonly TimeSpan LongestHold = TimeSpan.FromSeconds(90);
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect", "Upgrade" };

    private readonly Lock _gate = new();
    private readonly Uri[] _hosts;
    private readonly Instance?[] _live;
    private readonly List<int> _droppedPerKill = [];
    private readonly ConcurrentDictionary<string, int> _dropped = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private TaskCompletionSource _someoneLive = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next;
    private int _failed;

    private FrontDoor(IReadOnlyList<Uri> hosts)
    {
        _hosts = [.. hosts];
        _live = new Instance?[_hosts.Length];
        _app = LoopbackApp.Create();
        _app.Run(ForwardAsync);
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Requests dropped at each kill, in the order of the kills.</summary>
    public IReadOnlyList<int> DroppedPerKill
    {
        get
        {
            lock (_gate)
            {
                return [.. _droppedPerKill];
            }
        }
    }

    /// <summary>Requests that failed at a live host (not at a kill), or waited longer than any start for a live one.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Starts the front door with every host down; <see cref="Up"/> each once it is ready.</summary>
    public static async Task<FrontDoor> StartAsync(IReadOnlyList<Uri> hosts)
    {
        var door = new FrontDoor(hosts);
        door.Address = await LoopbackApp.StartAsync(door._app);
        return door;
    }

    /// <summary>Whether the front door dropped the request of this id because its host was killed.</summary>
    public bool DroppedAtKill(string requestId) => _dropped.ContainsKey(requestId);

    /// <summary>The host answers again: requests go to it from now on.</summary>
    public void Up(int host)
    {
        lock (_gate)
        {
            _live[host] ??= new Instance(_hosts[host]);
            _someoneLive.TrySetResult();
        }
    }

    /// <summary>The host is about to be killed: no request goes to it any more, and those it holds are dropped. Answers the kill's number.</summary>
    public int Down(int host)
    {
        Instance? instance;
        int kill;
        lock (_gate)
        {
            (instance, _live[host]) = (_live[host], null);
            kill = _droppedPerKill.Count;
            _droppedPerKill.Add(0);
            if (_live.All(i => i is null))
            {
                _someoneLive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        instance?.Kill(kill);
        return kill;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var requestId = context.Request.Headers[RequestIdHeader].ToString();
        var waiting = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            if (await LiveInstanceAsync(waiting, context.RequestAborted) is not { } instance)
            {
                Interlocked.Increment(ref _failed);
                context.Abort();
                return;
            }

            var held = waiting.Elapsed;
            using var request = Copy(context.Request, body.ToArray(), instance.Address);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(instance.Killed.Token, context.RequestAborted);
            try
            {
                using var answer = await instance.Client.SendAsync(request, linked.Token);
                var bytes = await answer.Content.ReadAsByteArrayAsync(linked.Token);
                context.Response.StatusCode = (int)answer.StatusCode;
                foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
                {
                    context.Response.Headers[name] = values.ToArray();
                }

                context.Response.Headers[HeldHeader] = held.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
                return;
            }
            catch (Exception) when (instance.KilledAs is { } kill)
            {
                Drop(requestId, kill);
                context.Abort();
                return;
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && attempt < 3)
            {
                // Not connected, so nothing was sent: another try is safe, as Azure's front end would make one.
                await Task.Delay(100, context.RequestAborted);
            }
            catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failed);
                context.Abort();
                return;
            }
        }
    }

    private void Drop(string requestId, int kill)
    {
        lock (_gate)
        {
            _droppedPerKill[kill]++;
        }

        if (requestId.Length > 0)
        {
            _dropped[requestId] = kill;
        }
    }

    /// <summary>A live host, taken in turn; while none is live, waits for one as long as a host may take to start.</summary>
    private async Task<Instance?> LiveInstanceAsync(Stopwatch waiting, CancellationToken aborted)
    {
        while (true)
        {
            Task someoneLive;
            lock (_gate)
            {
                var live = _live.OfType<Instance>().ToArray();
                if (live.Length > 0)
                {
                    return live[(int)((uint)_next++ % live.Length)];
                }

                someoneLive = _someoneLive.Task;
            }

            var left = LongestHold - waiting.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                await someoneLive.WaitAsync(left, aborted);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }

    private static HttpRequestMessage Copy(HttpRequest from, byte[] body, Uri host)
    {
        var request = new HttpRequestMessage(new HttpMethod(from.Method), new Uri(host, from.Path.Value + from.QueryString.Value)) { Content = new ByteArrayContent(body) };
        foreach (var (name, values) in from.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        for (var host = 0; host < _hosts.Length; host++)
        {
            Instance? instance;
            lock (_gate)
            {
                (instance, _live[host]) = (_live[host], null);
            }

            instance?.Client.Dispose();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One life of a host behind the door: its own connections, dropped together when it is killed.</summary>
    private sealed class Instance(Uri address)
    {
        public Uri Address { get; } = address;

        public HttpClient Client { get; } = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = Timeout.InfiniteTimeSpan, // the sender's own timeout decides
        };

        public CancellationTokenSource Killed { get; } = new();

        private int _killedAs = -1;

        /// <summary>The kill that ended this life; null while it lasts.</summary>
        public int? KilledAs => Volatile.Read(ref _killedAs) is >= 0 and var kill ? kill : null;

        public void Kill(int kill)
        {
            Volatile.Write(ref _killedAs, kill);
            Killed.Cancel();
            Client.Dispose();
        }
    }
}
