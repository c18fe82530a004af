using Atmos.Cache.Emulator;
using Atmos.Cache.Emulator.Faults;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>Transient failures are retried piece by piece; lasting ones fail cleanly.</summary>
[TestClass]
public sealed class FaultToleranceTests
{
    private static readonly string[] NoRestoreKeys = [];

    [TestMethod]
    public async Task FirstTwoTwirpCallsAnswered503AreRetried()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        var archive = session.Temp.RandomFile("a", 50_000, seed: 11);
        session.Emulator.Faults.FailTwirp(new FaultPlan.InjectedStatus(503), new FaultPlan.InjectedStatus(503));

        await backend.SaveAsync("deps-503", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        session.Emulator.Faults.FailTwirp(new FaultPlan.InjectedStatus(500), new FaultPlan.InjectedStatus(429));
        var restored = session.Temp.File("restored");
        await backend.RestoreAsync("deps-503", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(4, session.Emulator.Stats.Get(EmulatorStats.InjectedFault));
        Assert.AreEqual(4, session.Delays.Delays.Count, "one backoff per injected failure");
        Assert.AreEqual(3, session.Emulator.Stats.Get(EmulatorStats.Twirp("CreateCacheEntry")));
    }

    [TestMethod]
    public async Task ABlockUploadAnswered500IsSentAgainOnItsOwn()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend(EmulatorSession.SmallPieces);
        var archive = session.Temp.RandomFile("a", 2 << 20, seed: 12);
        session.Emulator.Faults.FailBlockUploads(1);

        await backend.SaveAsync("deps-block-500", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        var restored = session.Temp.File("restored");
        await backend.RestoreAsync("deps-block-500", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        var blocks = (2 << 20) / EmulatorSession.SmallPieces.BlockSize;
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(blocks + 1, session.Emulator.Stats.Get(EmulatorStats.PutBlock), "only the failed block is sent twice");
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.PutBlockList));
    }

    [TestMethod]
    public async Task ASingleShotUploadAnswered500IsSentAgain()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        var archive = session.Temp.RandomFile("a", 70_000, seed: 13);
        session.Emulator.Faults.FailPutBlobs(1);

        await backend.SaveAsync("deps-put-500", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        var restored = session.Temp.File("restored");
        await backend.RestoreAsync("deps-put-500", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(2, session.Emulator.Stats.Get(EmulatorStats.PutBlob));
    }

    [TestMethod]
    public async Task ADownloadRangeCutShortIsFetchedAgainOnItsOwn()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend(EmulatorSession.SmallPieces);
        var archive = session.Temp.RandomFile("a", (2 << 20) + 100, seed: 14);
        await backend.SaveAsync("deps-cut", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        session.Emulator.Faults.CutDownloads(1);

        var restored = session.Temp.File("restored");
        await backend.RestoreAsync("deps-cut", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        var ranges = (int)Math.Ceiling(((2 << 20) + 100) / (double)EmulatorSession.SmallPieces.RangeSize);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.InjectedFault));
        Assert.AreEqual(ranges + 1, session.Emulator.Stats.Get(EmulatorStats.RangedGet), "only the cut range is fetched twice");
    }

    [TestMethod]
    public async Task ResetConnectionsAreRetried()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend(EmulatorSession.SmallPieces);
        var archive = session.Temp.RandomFile("a", 1_500_000, seed: 15);
        session.Emulator.Faults.ResetConnections(2);

        await backend.SaveAsync("deps-reset", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        session.Emulator.Faults.ResetConnections(2);
        var restored = session.Temp.File("restored");
        await backend.RestoreAsync("deps-reset", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(4, session.Emulator.Stats.Get(EmulatorStats.InjectedFault));
    }

    [TestMethod]
    public async Task ADownloadThatKeepsGettingCutFailsAndLeavesNoFile()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend(EmulatorSession.SmallPieces);
        var archive = session.Temp.RandomFile("a", 1_000_000, seed: 16);
        await backend.SaveAsync("deps-always-cut", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        session.Emulator.Faults.CutDownloads(1000);

        var restored = session.Temp.File("restored");
        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            backend.RestoreAsync("deps-always-cut", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None));

        StringAssert.Contains(error.Message, "attempts");
        Assert.IsFalse(File.Exists(restored), "no short file is left behind");
    }

    [TestMethod]
    public async Task BlocksThatKeepFailingFailTheSaveWithoutFinalizing()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend(EmulatorSession.SmallPieces);
        var archive = session.Temp.RandomFile("a", 2 << 20, seed: 17);
        session.Emulator.Faults.FailBlockUploads(1000);

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            backend.SaveAsync("deps-never", EmulatorSession.GzipVersion, archive, CancellationToken.None));

        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlockList));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.Twirp("FinalizeCacheEntryUpload")));
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() =>
            backend.RestoreAsync("deps-never", NoRestoreKeys, EmulatorSession.GzipVersion, session.Temp.File("out"), CancellationToken.None));
    }

    [TestMethod]
    public async Task AServiceDownForGoodFailsSaveAndRestoreAfterBoundedRetries()
    {
        await using var session = await EmulatorSession.StartAsync();
        var retry = session.FastRetry() with { MaxAttempts = 4 };
        var backend = session.Backend(retry: retry);
        var archive = session.Temp.RandomFile("a", 1_000, seed: 18);
        session.Emulator.Faults.Down = true;

        var save = await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            backend.SaveAsync("deps-down", EmulatorSession.GzipVersion, archive, CancellationToken.None));
        var restore = await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            backend.RestoreAsync("deps-down", NoRestoreKeys, EmulatorSession.GzipVersion, session.Temp.File("out"), CancellationToken.None));

        StringAssert.Contains(save.Message, "503");
        StringAssert.Contains(restore.Message, "after 4 attempts");
        Assert.AreEqual(4, session.Emulator.Stats.Get(EmulatorStats.Twirp("CreateCacheEntry")));
        Assert.AreEqual(6, session.Delays.Delays.Count, "three backoffs per call");
    }

    [TestMethod]
    public async Task RetryAfterInSecondsIsHonoured()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        var archive = session.Temp.RandomFile("a", 1_000, seed: 19);
        session.Emulator.Faults.FailTwirp(new FaultPlan.InjectedStatus(429, RetryAfterSeconds: 7));

        await backend.SaveAsync("deps-retry-after", EmulatorSession.GzipVersion, archive, CancellationToken.None);

        Assert.AreEqual(1, session.Delays.Delays.Count);
        Assert.IsTrue(session.Delays.Delays[0] >= TimeSpan.FromSeconds(7), $"waited {session.Delays.Delays[0]}, base delay is 10 ms");
    }

    [TestMethod]
    public async Task ARetryAfterBeyondTheTimeBudgetGivesUpAtOnce()
    {
        await using var session = await EmulatorSession.StartAsync();
        var retry = session.FastRetry() with { MaxTotalTime = TimeSpan.FromSeconds(30) };
        var backend = session.Backend(retry: retry);
        var archive = session.Temp.RandomFile("a", 1_000, seed: 20);
        session.Emulator.Faults.FailTwirp(new FaultPlan.InjectedStatus(429, RetryAfterSeconds: 3600));

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            backend.SaveAsync("deps-too-long", EmulatorSession.GzipVersion, archive, CancellationToken.None));

        StringAssert.Contains(error.Message, "retry budget");
        Assert.AreEqual(0, session.Delays.Delays.Count);
    }

    [TestMethod]
    public async Task CancellationStopsATransfer()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend(EmulatorSession.SmallPieces);
        var archive = session.Temp.RandomFile("a", 1_000, seed: 21);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            backend.SaveAsync("deps-cancel", EmulatorSession.GzipVersion, archive, cancelled.Token));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.Twirp("CreateCacheEntry")));
    }
}
