using Atmos.Cache.Diagnostics;
using Atmos.Cache.State;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.State;

[TestClass]
public sealed class RootLockTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AcquireAsyncWaitsUntilTheHolderReleases()
    {
        using var root = new TempFolder();
        var logger = new CapturingLogger();
        var first = await RootLock.AcquireAsync(root.Path, logger, TestContext.CancellationToken);

        var second = RootLock.AcquireAsync(root.Path, logger, TestContext.CancellationToken);
        await logger.WaitForAsync(m => m.Contains("Waiting for another process", StringComparison.Ordinal), TestContext.CancellationToken);
        Assert.IsFalse(second.IsCompleted, "the second caller must wait while the lock is held");

        first.Dispose();
        using var acquired = await second;
    }

    [TestMethod]
    public async Task AcquireAsyncHonoursCancellationWhileWaiting()
    {
        using var root = new TempFolder();
        var logger = new CapturingLogger();
        using var held = await RootLock.AcquireAsync(root.Path, logger, TestContext.CancellationToken);
        using var cancel = new CancellationTokenSource();

        var waiting = RootLock.AcquireAsync(root.Path, logger, cancel.Token);
        await logger.WaitForAsync(m => m.Contains("Waiting", StringComparison.Ordinal), TestContext.CancellationToken);
        await cancel.CancelAsync();

        // Task.Delay throws TaskCanceledException, a check between waits OperationCanceledException: either is the cancellation.
        await Assert.ThrowsAsync<OperationCanceledException>(() => waiting);
    }

    [TestMethod]
    public async Task AcquireAsyncCreatesTheStateFolder()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("not-yet");

        using (await RootLock.AcquireAsync(root, NullCacheLogger.Instance, TestContext.CancellationToken))
        {
            Assert.IsTrue(File.Exists(Path.Combine(root, ".atmos-cache", "lock")));
        }
    }
}
