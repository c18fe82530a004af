using Atmos.Cache.Backends;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Build.Tests.Support;

/// <summary>Backends registered under test-only type names.</summary>
public static class TestBackends
{
    public const string Failing = "test/failing";
    public const string Blocking = "test/blocking";

    /// <summary>Completes when a <see cref="Blocking"/> backend has been entered.</summary>
    public static TaskCompletionSource Entered { get; private set; } = NewSignal();

    static TestBackends()
    {
        BackendRegistry.Register(Failing, _ => new FailingBackend());
        BackendRegistry.Register(Blocking, _ => new BlockingBackend());
    }

    public static void EnsureRegistered() => Entered = NewSignal();

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
