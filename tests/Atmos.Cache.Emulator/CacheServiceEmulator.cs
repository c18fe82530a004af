using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Atmos.Cache.Emulator.Api;
using Atmos.Cache.Emulator.Cache;
using Atmos.Cache.Emulator.Faults;
using Atmos.Cache.Emulator.Storage;

namespace Atmos.Cache.Emulator;

/// <summary>
/// An in-process stand-in for the GitHub Actions cache: the Twirp cache service, the REST caches
/// API and a blob proxy in front of Azurite, all on one 127.0.0.1 port. Signed URLs are real Azure
/// service SAS URLs for the emulator's container, pointing at the proxy so faults can be injected.
/// </summary>
public sealed class CacheServiceEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _azuriteHttp;
    private readonly AzuriteAccount _account = new();
    private readonly ConcurrentBag<string> _signatures = [];

    private CacheServiceEmulator(EmulatorOptions options, WebApplication app, HttpClient azuriteHttp)
    {
        Options = options;
        _app = app;
        _azuriteHttp = azuriteHttp;
        AzuriteServiceRoot = new Uri(options.AzuriteBlobEndpoint.GetLeftPart(UriPartial.Authority) + "/");
        Azurite = new AzuriteClient(azuriteHttp, new Uri(AzuriteServiceRoot, AzuriteAccount.Name), _account);
    }

    public EmulatorOptions Options { get; }

    public CacheStore Store { get; } = new(TimeProvider.System);

    public FaultPlan Faults { get; } = new();

    public EmulatorStats Stats { get; } = new();

    internal AzuriteClient Azurite { get; }

    internal Uri AzuriteServiceRoot { get; }

    /// <summary>http://127.0.0.1:port, once started. Serves as ACTIONS_RESULTS_URL and GITHUB_API_URL.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every <c>sig</c> value handed out in a signed URL, so tests can check none leaks.</summary>
    public IReadOnlyCollection<string> IssuedSignatures => [.. _signatures];

    /// <summary>The variables a client needs to use this emulator.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["GITHUB_ACTIONS"] = "true",
        ["ACTIONS_RESULTS_URL"] = BaseUrl.AbsoluteUri,
        ["ACTIONS_RUNTIME_TOKEN"] = Options.RuntimeToken,
        ["GITHUB_API_URL"] = BaseUrl.AbsoluteUri.TrimEnd('/'),
        ["GITHUB_TOKEN"] = Options.RestToken,
        ["GITHUB_REPOSITORY"] = Options.Repository,
    };

    /// <summary>Starts an emulator and creates its container in Azurite.</summary>
    public static async Task<CacheServiceEmulator> StartAsync(EmulatorOptions options, bool logToConsole = false, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logToConsole)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = null;
        });

        var app = builder.Build();
        var azuriteHttp = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
        var emulator = new CacheServiceEmulator(options, app, azuriteHttp);
        emulator.MapRoutes();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        emulator.BaseUrl = new Uri(app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        await emulator.Azurite.CreateContainerAsync(options.Container, cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>Waits until the host is asked to stop (Ctrl+C when run on its own).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _azuriteHttp.Dispose();
    }

    /// <summary>The stored content of the finalized entry with this key (and version).</summary>
    public Task<byte[]> ReadStoredEntryAsync(string key, string version, CancellationToken cancellationToken = default)
    {
        var record = Store.Finalized().Single(r => r.Key == key && r.Version == version);
        return Azurite.GetBlobAsync(Options.Container, record.BlobName, cancellationToken);
    }

    /// <summary>
    /// Rewrites the stored content of the finalized entry with this key (and version), as damage in
    /// storage or an attacker with write access would; the entry's recorded size is left as it was.
    /// </summary>
    public async Task ChangeStoredEntryAsync(string key, string version, Action<byte[]> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var record = Store.Finalized().Single(r => r.Key == key && r.Version == version);
        var content = await Azurite.GetBlobAsync(Options.Container, record.BlobName, cancellationToken).ConfigureAwait(false);
        change(content);
        await Azurite.PutBlobAsync(Options.Container, record.BlobName, content, cancellationToken).ConfigureAwait(false);
    }

    internal string SignedUrl(string blobName, string permissions)
    {
        var now = DateTimeOffset.UtcNow;
        var (query, signature) = _account.BlobSas(Options.Container, blobName, permissions, now.AddMinutes(-5), now.Add(Options.SignedUrlLifetime));
        _signatures.Add(signature);
        _signatures.Add(Uri.EscapeDataString(signature));
        var account = Options.DirectBlobUrls
            ? Options.AzuriteBlobEndpoint.AbsoluteUri.TrimEnd('/')
            : $"{BaseUrl.AbsoluteUri}{AzuriteAccount.Name}";
        return $"{account}/{Options.Container}/{blobName}?{query}";
    }

    /// <summary>Applies a pending reset, the down switch, or an injected status; true when it answered.</summary>
    internal async Task<bool> TryInjectAsync(HttpContext context, FaultPlan.InjectedStatus? injected, bool twirp)
    {
        if (Faults.TakeReset())
        {
            Stats.Count(EmulatorStats.InjectedFault);
            context.Abort();
            return true;
        }

        if (Faults.Down)
        {
            injected = new FaultPlan.InjectedStatus(503);
        }

        if (injected is null)
        {
            return false;
        }

        Stats.Count(EmulatorStats.InjectedFault);
        // Chatty on purpose, like some real gateways: the echoed URL carries the signature, so
        // clients are tested on keeping server-provided text out of their messages unredacted.
        var detail = $"injected fault for {context.Request.Method} {RequestUrl(context)}";
        if (injected.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (twirp)
        {
            var code = injected.Status switch
            {
                429 => "resource_exhausted",
                503 => "unavailable",
                504 => "deadline_exceeded",
                _ => "internal",
            };
            await TwirpApi.ErrorAsync(context, injected.Status, code, detail).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = injected.Status;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["message"] = detail }).ConfigureAwait(false);
        }

        return true;
    }

    internal static string RequestUrl(HttpContext context) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}{context.Request.QueryString}";

    private void MapRoutes()
    {
        var twirp = new TwirpApi(this);
        var rest = new RestApi(this);
        var proxy = new BlobProxy(this, _azuriteHttp);
        _app.MapPost(TwirpApi.Route, (HttpContext context, string method) => twirp.HandleAsync(context, method));
        _app.MapMethods(RestApi.Route, ["GET", "DELETE", "POST", "PUT"], (HttpContext context, string owner, string repo) => rest.HandleAsync(context, owner, repo));
        _app.Map($"/{AzuriteAccount.Name}/{{**path}}", (HttpContext context) => proxy.HandleAsync(context));
        _app.MapPost("/_emulator/faults", (HttpContext context) => AdminApi.SetFaultsAsync(context, this));
        _app.MapGet("/_emulator/stats", () => AdminApi.Stats(this));
    }
}
