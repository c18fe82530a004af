using Atmos.Cache.Archiving;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Configuration;
using Atmos.Cache.Emulator;
using Atmos.Cache.Operations;
using Atmos.Cache.Testing.Azurite;

namespace Atmos.Cache.Testing;

/// <summary>
/// One emulator (with its own container in the run's shared Azurite), a temp folder, a capturing logger
/// and a delay recorder, plus a backend wired to them with retries that never sleep.
/// </summary>
public sealed class EmulatorSession : IAsyncDisposable
{
    public static readonly string GzipVersion = CacheVersion.For(ArchiveCompression.Gzip);

    private EmulatorSession(CacheServiceEmulator emulator) => Emulator = emulator;

    public CacheServiceEmulator Emulator { get; }

    public TempFolder Temp { get; } = new("atmos-gh-tests");

    public CapturingLogger Logger { get; } = new();

    public DelayRecorder Delays { get; } = new();

    public static async Task<EmulatorSession> StartAsync(Func<EmulatorOptions, EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { AzuriteBlobEndpoint = await SharedAzurite.BlobEndpointAsync().ConfigureAwait(false) };
        return new EmulatorSession(await CacheServiceEmulator.StartAsync(configure?.Invoke(options) ?? options).ConfigureAwait(false));
    }

    /// <summary>The environment a runner step would have, pointing at the emulator.</summary>
    public DictionaryEnvironment Environment(Action<Dictionary<string, string>>? change = null)
    {
        var variables = new Dictionary<string, string>(Emulator.Environment);
        change?.Invoke(variables);
        return new DictionaryEnvironment(variables);
    }

    public GitHubBackendSettings Settings(TransferSettings? transfer = null, RetrySettings? retry = null) =>
        GitHubBackendSettings.FromEnvironment(Environment(), Temp.Path) with
        {
            Transfer = transfer ?? new TransferSettings(),
            Retry = retry ?? FastRetry(),
        };

    public RetrySettings FastRetry() => new() { BaseDelay = TimeSpan.FromMilliseconds(10), Delay = Delays.Delay };

    public GitHubActionsBackend Backend(TransferSettings? transfer = null, RetrySettings? retry = null, HttpMessageHandler? handler = null) =>
        new(Settings(transfer, retry), Logger, handler);

    /// <summary>A github/actions configuration of <paramref name="root"/> under <paramref name="key"/>.</summary>
    public CacheConfig Config(string root, string key, IReadOnlyList<string>? restoreKeys = null) => new()
    {
        Root = root,
        Key = key,
        RestoreKeys = restoreKeys ?? [],
        Backend = BackendNames.GitHubActions,
        LocalDirectory = Temp.Combine("unused-local-store"),
        WorkingDirectory = Temp.Path,
    };

    /// <summary>A manager of <paramref name="root"/> over this session's backend.</summary>
    public CacheManager Manager(string root, string key, TransferSettings? transfer = null, HttpMessageHandler? handler = null, IReadOnlyList<string>? restoreKeys = null) =>
        new(Backend(transfer, handler: handler), Config(root, key, restoreKeys), Logger);

    /// <summary>Small pieces so a few MiB already take the staged-block and multi-range paths.</summary>
    public static TransferSettings SmallPieces => new()
    {
        SingleShotLimit = 1 << 20,
        BlockSize = 256 * 1024,
        RangeSize = 256 * 1024,
        UploadParallelism = 4,
        DownloadParallelism = 4,
        ProgressMinimumBytes = 1 << 20,
    };

    /// <summary>Every secret a failure could leak: both tokens and every signature handed out.</summary>
    public IEnumerable<string> Secrets =>
        new[] { Emulator.Options.RuntimeToken, Emulator.Options.RestToken }.Concat(Emulator.IssuedSignatures);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync().ConfigureAwait(false);
        Temp.Dispose();
    }
}
