using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Atmos.Cache.Testing.Azurite;

/// <summary>
/// One Azurite blob server for the test run: installed into .tools/azurite by
/// eng/install-azurite.sh when missing, started on 127.0.0.1 with a free port and a temporary
/// folder, and killed at the end.
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _location;
    private AzuriteServer(Process process, string location, int port)
    {
        _process = process;
        _location = location;
        BlobEndpoint = new Uri($"http://127.0.0.1:{port}/devstoreaccount1");
    }

    public Uri BlobEndpoint { get; }

    public static async Task<AzuriteServer> StartAsync()
    {
        var root = RepositoryRoot.Path;
        var entry = Path.Combine(root, ".tools", "azurite", "node_modules", "azurite", "dist", "src", "blob", "main.js");
        if (!File.Exists(entry))
        {
            await RunAsync("bash", [Path.Combine(root, "eng", "install-azurite.sh")], TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        }

        var port = FreePort();
        var location = Path.Combine(Path.GetTempPath(), "atmos-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var output = new StringBuilder();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { entry, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", location, "--skipApiVersionCheck", "--loose", "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        // Azurite says "successfully listens on <url>" once it accepts requests: await that line.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            Append(output, e.Data);
            if (e.Data?.Contains("successfully listens", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"Azurite exited before listening: {Snapshot(output)}"));
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start node for Azurite.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteServer(process, location, port);
        try
        {
            await listening.Task.WaitAsync(StartupTimeout).ConfigureAwait(false);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
