using System.Diagnostics;
using System.Text;

namespace Atmos.Cache.Testing;

/// <summary>
/// A Node.js server the tests talk to (Azurite, s3rver): taken from the repository's ignored
/// <c>.tools</c> folder, installed there by its <c>eng/</c> script when missing, started with a
/// temporary folder of its own, awaited until a line of its output says it accepts requests, and
/// killed, its folder deleted, on dispose.
/// </summary>
public sealed class NodeServer : IDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _location;

    private NodeServer(Process process, string location, string listeningLine)
    {
        _process = process;
        _location = location;
        ListeningLine = listeningLine;
    }

    /// <summary>The output line that said the server listens (some name their port there).</summary>
    public string ListeningLine { get; }

    /// <param name="name">What messages call the server.</param>
    /// <param name="entry">The server's script, below the repository's <c>.tools</c> folder.</param>
    /// <param name="installer">The <c>eng/</c> script that installs it there.</param>
    /// <param name="arguments">Node's arguments, given the script's full path and the temporary folder.</param>
    /// <param name="listens">Whether an output line says the server accepts requests.</param>
    public static async Task<NodeServer> StartAsync(
        string name, string[] entry, string installer, Func<string, string, IEnumerable<string>> arguments, Func<string, bool> listens)
    {
        var root = RepositoryRoot.Path;
        var script = Path.Combine([root, ".tools", .. entry]);
        if (!File.Exists(script))
        {
            await RunAsync("bash", [Path.Combine(root, "eng", installer)], TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        }

        var location = Path.Combine(Path.GetTempPath(), $"atmos-{name.ToLowerInvariant()}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(location);
        var output = new StringBuilder();
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments(script, location))
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            Append(output, e.Data);
            if (e.Data is { } line && listens(line))
            {
                listening.TrySetResult(line);
            }
        };
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{name} exited before listening: {Snapshot(output)}"));
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start node for {name}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new NodeServer(process, location, await listening.Task.WaitAsync(StartupTimeout).ConfigureAwait(false));
        }
        catch
        {
            Stop(process, location);
            throw;
        }
    }

    public void Dispose() => Stop(_process, _location);

    private static void Stop(Process process, string location)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        try
        {
            Directory.Delete(location, recursive: true);
        }
        catch (IOException)
        {
            // Temporary folder; best effort.
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static async Task RunAsync(string fileName, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }
    }
}
