using System.Globalization;
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

    private readonly NodeServer _server;

    private S3rverServer(NodeServer server, int port)
    {
        _server = server;
        Endpoint = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>The service endpoint, e.g. <c>http://127.0.0.1:port</c> (path-style addressing).</summary>
    public Uri Endpoint { get; }

    public static async Task<S3rverServer> StartAsync()
    {
        var server = await NodeServer.StartAsync(
            "s3rver",
            ["s3rver", "node_modules", "s3rver", "bin", "s3rver.js"],
            "install-s3rver.sh",
            (script, location) =>
            {
                // s3rver ciphers its ListObjectsV2 continuation tokens with DES, which Node 17+ has only in OpenSSL's legacy provider.
                var arguments = new List<string> { "--openssl-legacy-provider", script, "--directory", location, "--address", "127.0.0.1", "--port", "0", "--silent", "--no-vhost-buckets" };
                foreach (var bucket in Buckets)
                {
                    arguments.AddRange(["--configure-bucket", bucket]);
                }

                return arguments;
            },
            // s3rver prints "S3rver listening on <address>:<port>" once it accepts requests.
            line => Listening().IsMatch(line)).ConfigureAwait(false);
        return new S3rverServer(server, int.Parse(Listening().Match(server.ListeningLine).Groups[1].Value, CultureInfo.InvariantCulture));
    }

    public void Dispose() => _server.Dispose();

    [GeneratedRegex(@"S3rver listening on \S+:(\d+)")]
    private static partial Regex Listening();
}
