using System.Diagnostics;
using Ingest.Testing;

namespace Ingest.FaultCampaign;

/// <summary>
/// One of the repository's apps (a local host, the standalone emulator) run as a process of its own on a fixed
/// loopback port, so it can be killed with SIGKILL and started again where its callers expect it.
/// </summary>
public sealed class AppProcess(string project, int port, IReadOnlyDictionary<string, string> environment, string logFile, string readyPath) : IAsyncDisposable
{
    // Health probes each dependency for up to 5 s: a start under a fault answers slowly, not never.
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _unexpectedExits = new();
    private Process? _process;
    private Process? _ready;
    private volatile bool _killing;

    /// <summary>Each time the process ended without the campaign killing it (a crash, or a signal from outside), with its exit code.</summary>
    public IReadOnlyCollection<string> UnexpectedExits => _unexpectedExits;

    public Uri Address { get; } = new($"http://127.0.0.1:{port}/");

    public string Name => $"{project}:{port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The app's build output beside this tool's: same configuration, same target framework.</summary>
    public static string AssemblyOf(string project)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (here.Name, here.Parent!.Name);
        var assembly = Path.Combine(ExternalTool.RepositoryRoot, "src", project, "bin", configuration, framework, project + ".dll");
        return File.Exists(assembly) ? assembly : throw new FileNotFoundException($"{assembly} is not built; build the solution ({configuration}) first.");
    }

    public async Task StartAsync(TimeSpan timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            var assembly = AssemblyOf(project);
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(assembly)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(assembly);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(Address.ToString().TrimEnd('/'));
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
            _killing = false;
            _process = ExternalTool.StartOrExplain(start);
            var started = _process;
            started.EnableRaisingEvents = true;
            started.Exited += (_, _) =>
            {
                // Before it was ready, an exit is a failed start (a port still held), which StartAsync retries.
                if (!_killing && ReferenceEquals(Volatile.Read(ref _ready), started))
                {
                    _unexpectedExits.Enqueue($"{Name} exited with code {started.ExitCode} at {DateTime.UtcNow:HH:mm:ss} UTC");
                }
            };
            _process.OutputDataReceived += (_, e) => Write(log, e.Data);
            _process.ErrorDataReceived += (_, e) => Write(log, e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await WaitReadyAsync(timeout))
            {
                Volatile.Write(ref _ready, started);
                return;
            }

            // The port may still be held by the process just killed: try again shortly.
            await KillAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"{Name} did not become ready within {timeout} ({attempt} tries); see {logFile}.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && IsRunning)
        {
            try
            {
                using var answer = await Probe.GetAsync(new Uri(Address, readyPath));
                if ((int)answer.StatusCode < 500 || answer.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>SIGKILL: no finally block, no shutdown hook, nothing tidied up.</summary>
    public async Task KillAsync()
    {
        _killing = true;
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
