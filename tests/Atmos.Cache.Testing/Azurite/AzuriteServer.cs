using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Atmos.Cache.Testing.Azurite;

/// <summary>
/// One Azurite blob server for the test run: installed into .tools/azurite by
/// eng/install-azurite.sh when missing, started on 127.0.0.1 with a free port and a temporary
/// folder, and killed at the end.
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    private readonly NodeServer _server;

    private AzuriteServer(NodeServer server, int port)
    {
        _server = server;
        BlobEndpoint = new Uri($"http://127.0.0.1:{port}/devstoreaccount1");
    }

    public Uri BlobEndpoint { get; }

    public static async Task<AzuriteServer> StartAsync()
    {
        var port = FreePort();
        var server = await NodeServer.StartAsync(
            "Azurite",
            ["azurite", "node_modules", "azurite", "dist", "src", "blob", "main.js"],
            "install-azurite.sh",
            (script, location) => [script, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--location", location, "--skipApiVersionCheck", "--loose", "--silent"],
            // Azurite says "successfully listens on <url>" once it accepts requests.
            line => line.Contains("successfully listens", StringComparison.Ordinal)).ConfigureAwait(false);
        return new AzuriteServer(server, port);
    }

    public void Dispose() => _server.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
