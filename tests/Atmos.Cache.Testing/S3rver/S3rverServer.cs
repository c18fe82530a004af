using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Atmos.Cache.Testing.S3rver;

/// <summary>
/// One s3rver (an S3-compatible server on Node.js) for the test run: installed into .tools/s3rver by
/// eng/install-s3rver.sh when missing, started on 127.0.0.1 with a port of its own choosing and a
/// temporary folder, with the test buckets created, and killed at the end. It checks Signature V4
/// with the fixed credentials <see cref="AccessKeyId"/>/<see cref="SecretAccessKey"/>.
/// Known differences from S3: it ignores <c>If-None-Match</c> on writes (never answers 412), and it
/// checks only the access key id of a Signature V4 request, not the signature (the signer is checked
/// against AWS's published test vectors instead).
/// </summary>
public sealed partial class S3rverServer : IDisposable
{
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    /// <summary>The buckets created at start: one per test project, so runs in parallel never meet.</summary>
    public static readonly string[] Buckets = ["atmos-backend-tests", "atmos-build-tests", "atmos-bench"];

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _location;

    private S3rverServer(Process process, string location, int port)
    {
        _process = process;
        _location = location;
        Endpoint = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>The service endpoint, e.g. <c>http://127.0.0.1:port</c> (path-style addressing).</summary>
    public Uri Endpoint { get; }

    public static async Task<S3rverServer> StartAsync()
    {
        var root = RepositoryRoot.Path;
        var entry = Path.Combine(root, ".tools", "s3rver", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(entry))
        {
            await RunAsync("bash", [Path.Combine(root, "eng", "install-s3rver.sh")], TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        }

        var location = Path.Combine(Path.GetTempPath(), "atmos-s3rver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(location);
        var output = new StringBuilder();
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // s3rver ciphers its ListObjectsV2 continuation tokens with DES, which Node 17+ has only in OpenSSL's legacy provider.
        var arguments = new List<string> { "--openssl-legacy-provider", entry, "--directory", location, "--address", "127.0.0.1", "--port", "0", "--silent", "--no-vhost-buckets" };
        foreach (var bucket in Buckets)
        {
            arguments.AddRange(["--configure-bucket", bucket]);
        }

        arguments.ForEach(start.ArgumentList.Add);

        // s3rver prints "S3rver listening on <address>:<port>" once it accepts requests: await that line.
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            Append(output, e.Data);
            if (e.Data is { } line && Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"s3rver exited before listening: {Snapshot(output)}"));
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start node for s3rver.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        int port;
        try
        {
            port = await listening.Task.WaitAsync(StartupTimeout).ConfigureAwait(false);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }

        return new S3rverServer(process, location, port);
    }

    public void Dispose()
    {
        Kill(_process);
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

    private static void Kill(Process process)
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
    }

    [GeneratedRegex(@"S3rver listening on \S+:(\d+)")]
    private static partial Regex Listening();

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
