using Atmos.Cache.Backends;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Build.Tests.Support;

/// <summary>Backends under test-only type names, in a catalog of their own (the process-wide registry is left alone).</summary>
public static class TestBackends
{
    public const string Failing = "test/failing";
    public const string Blocking = "test/blocking";
    public const string Listing = "test/listing";

    /// <summary>What a <see cref="Listing"/> backend lists: one entry with a creation time, one without.</summary>
    public static IReadOnlyList<CacheEntry> ListedEntries { get; } =
    [
        new CacheEntry { Key = "atmos-cache-linux-amd64-1", Size = 327_127_266, CreatedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), Version = "v-gzip", Id = "42" },
        new CacheEntry { Key = "atmos-cache-linux-amd64-0", Size = 1023, CreatedAt = null, Version = "v-zstd", Id = "" },
    ];

    /// <summary>Completes when a <see cref="Blocking"/> backend has been entered.</summary>
    public static TaskCompletionSource Entered { get; private set; } = NewSignal();

    /// <summary>The built-in backends plus <see cref="Failing"/>, <see cref="Blocking"/> and <see cref="Listing"/>.</summary>
    internal static BackendCatalog Catalog { get; } = CreateCatalog();

    /// <summary>Starts a test with a fresh <see cref="Entered"/> signal.</summary>
    public static void Reset() => Entered = NewSignal();

    private static BackendCatalog CreateCatalog()
    {
        var catalog = BackendRegistry.CreateBuiltIns();
        catalog.Register(Failing, _ => new FailingBackend());
        catalog.Register(Blocking, _ => new BlockingBackend());
        catalog.Register(Listing, _ => new ListingBackend());
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

    private sealed class ListingBackend : ICacheBackend
    {
        public string Name => Listing;
        public Task SaveAsync(string key, string version, string archivePath, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<CacheMatch> RestoreAsync(string key, IReadOnlyList<string> restoreKeys, string version, string destinationPath, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<CacheEntry>> ListAsync(CacheListOptions options, CancellationToken cancellationToken) => Task.FromResult(ListedEntries);
        public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotSupportedException();
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
