using System.Net;
using System.Net.Sockets;

namespace Ingest.Testing;

/// <summary>
/// A loopback TCP proxy a test can cut, stall, slow and restore, to make a real dependency unreachable, hung or
/// slow for a while (connections refused and open ones dropped; or bytes held; or each chunk delayed) without
/// losing the dependency's state.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private volatile bool _cut;
    private volatile bool _stalled;
    private long _delayTicks;
    private readonly Task _accepting;

    public TcpProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Drops every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Close();
            }

            _open.Clear();
        }
    }

    /// <summary>Accepts connections but forwards nothing, either way, until <see cref="Restore"/>: a hung dependency.</summary>
    public void Stall() => _stalled = true;

    /// <summary>Holds each chunk of bytes this long before forwarding it: a slow dependency.</summary>
    public void Slow(TimeSpan delay) => Interlocked.Exchange(ref _delayTicks, delay.Ticks);

    public void Restore()
    {
        _cut = false;
        _stalled = false;
        Interlocked.Exchange(ref _delayTicks, 0);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_cut)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }

            _ = Task.Run(() => PipeAsync(client));
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(upstream);
            }

            var down = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(PumpAsync(down, up), PumpAsync(up, down));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Close();
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            while (_stalled && !_stop.IsCancellationRequested)
            {
                await Task.Delay(50, _stop.Token);
            }

            if (Interlocked.Read(ref _delayTicks) is > 0 and var delay)
            {
                await Task.Delay(TimeSpan.FromTicks(delay), _stop.Token);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting;
    }
}
