using Atmos.Cache.Backends;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Build.Tests.Support;

/// <summary>Backends under test-only type names, in a catalog of their own (the process-wide registry is left alone).</summary>
public static class TestBackends
{
    public const string Failing = "test/failing";
    public const string Blocking = "test/blocking";

    /// <summary>Completes when a <see cref="Blocking"/> backend has been entered.</summary>
    public static TaskCompletionSource Entered { get; private set; } = NewSignal();

    /// <summary>The built-in backends plus <see cref="Failing"/> and <see cref="Blocking"/>.</summary>
    internal static BackendCatalog Catalog { get; } = CreateCatalog();

    /// <summary>Starts a test with a fresh <see cref="Entered"/> signal.</summary>
    public static void Reset() => Entered = NewSignal();

    private static BackendCatalog CreateCatalog()
    {
        var catalog = BackendRegistry.CreateBuiltIns();
        catalog.Register(Failing, _ => new FailingBackend());
        catalog.Register(Blocking, _ => new BlockingBackend());
        return catalog;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class FailingBackend : ICacheBackend
    {
        public string Name => Failing;
        public Task SaveAsync(string key, string version, string archivePath, CancellationToken cancellationToken) => throw Failure();
        public Task<CacheMatch> RestoreAsync(string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken) => throw Failure();
        public Task<IReadOnlyList<CacheEntry>> ListAsync(CacheListOptions options, CancellationToken cancellationToken) => throw Failure();
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw Failure();
        private static CacheBackendException Failure() => new("the cache service answered 503 after 5 attempts");
    }

    private sealed class BlockingBackend : ICacheBackend
    {
        public string Name => Blocking;
        public Task SaveAsync(string key, string version, string archivePath, CancellationToken cancellationToken) => Block<object>(cancellationToken);
        public Task<CacheMatch> RestoreAsync(string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken) => Block<CacheMatch>(cancellationToken);
        public Task<IReadOnlyList<CacheEntry>> ListAsync(CacheListOptions options, CancellationToken cancellationToken) => Block<IReadOnlyList<CacheEntry>>(cancellationToken);
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => Block<object>(cancellationToken);

        private static async Task<T> Block<T>(CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
