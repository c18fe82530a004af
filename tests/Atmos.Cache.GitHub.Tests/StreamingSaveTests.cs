using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Emulator;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Root;
using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>Saves whose upload runs while the archive is still being written.</summary>
[TestClass]
public sealed class StreamingSaveTests
{
    private const string Key = "atmos-cache-linux-amd64-57ea4a1n9c0ffee0";
    private static readonly string[] NoRestoreKeys = [];
    private static readonly string Finalize = EmulatorStats.Twirp("FinalizeCacheEntryUpload");

    /// <summary>Blocks small enough that a 100 MB archive takes many of them, 4 in flight.</summary>
    private static TransferSettings MediumBlocks => new() { SingleShotLimit = 8 << 20, BlockSize = 4 << 20, UploadParallelism = 4 };

    [TestMethod]
    public async Task ALargeIncompressibleTreeSavedWhileWrittenRestoresByteForByte()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = SampleRoots.Large(session.Temp, "source", 100_000_000);
        var saved = await session.Manager(source, Key, MediumBlocks).SaveAsync();

        var target = session.Temp.Combine("target");
        Directory.CreateDirectory(target);
        var restored = await session.Manager(target, Key, MediumBlocks).RestoreAsync();

        Assert.IsTrue(saved.Saved);
        Assert.IsFalse(saved.Skipped);
        Assert.IsTrue(restored.Exact);
        Assert.AreEqual(saved.ArchiveBytes, restored.ArchiveBytes);
        CollectionAssert.AreEqual(TreeSnapshot.Of(source).ToList(), TreeSnapshot.Of(target).ToList());
        var blocks = (int)((saved.ArchiveBytes + MediumBlocks.BlockSize - 1) / MediumBlocks.BlockSize);
        Assert.AreEqual(blocks, session.Emulator.Stats.Get(EmulatorStats.PutBlock));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlob));
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.PutBlockList));
        Assert.AreEqual(1, session.Emulator.Stats.Get(Finalize));
    }

    [TestMethod]
    public async Task BlocksAreAcceptedBeforeTheArchiveIsComplete()
    {
        await using var session = await EmulatorSession.StartAsync();
        var hook = new BlockUploadHook();
        var backend = new GitHubActionsBackend(session.Settings(EmulatorSession.SmallPieces), session.Logger, hook);
        var content = session.Temp.RandomFile("content", (3 << 20) + 1000, seed: 21);
        var bytes = await File.ReadAllBytesAsync(content);
        var path = session.Temp.File("growing");
        var archive = new GrowingArchive(path);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        // More than the single-shot limit, so staged blocks must start.
        var firstPart = (int)EmulatorSession.SmallPieces.SingleShotLimit + EmulatorSession.SmallPieces.BlockSize;
        await Publish(file, archive, bytes.AsMemory(0, firstPart));

        var save = backend.SaveAsync("deps-growing", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        await hook.FirstBlockAccepted.WaitAsync(TimeSpan.FromSeconds(60));
        var savedBeforeComplete = save.IsCompleted;
        var listsBeforeComplete = session.Emulator.Stats.Get(EmulatorStats.PutBlockList);
        await Publish(file, archive, bytes.AsMemory(firstPart));
        archive.Complete(bytes.Length);
        await save;
        var restored = session.Temp.File("restored");
        await backend.RestoreAsync("deps-growing", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        Assert.IsFalse(savedBeforeComplete);
        Assert.AreEqual(0, listsBeforeComplete, "nothing is committed before the archive is complete");
        Assert.AreEqual(TempFolder.Sha256(content), TempFolder.Sha256(restored));
        var blocks = (bytes.Length + EmulatorSession.SmallPieces.BlockSize - 1) / EmulatorSession.SmallPieces.BlockSize;
        Assert.AreEqual(blocks, session.Emulator.Stats.Get(EmulatorStats.PutBlock));
        Assert.AreEqual(1, session.Emulator.Stats.Get(Finalize));
    }

    [TestMethod]
    public async Task ASmallArchiveGoesUpInOneRequestOnceComplete()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend(EmulatorSession.SmallPieces);
        var content = session.Temp.RandomFile("content", 300_000, seed: 22);
        var path = session.Temp.File("growing");
        var archive = new GrowingArchive(path);
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            await Publish(file, archive, await File.ReadAllBytesAsync(content));
        }

        var save = backend.SaveAsync("deps-small", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        archive.Complete(new FileInfo(path).Length);
        await save;
        var restored = session.Temp.File("restored");
        await backend.RestoreAsync("deps-small", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        Assert.AreEqual(TempFolder.Sha256(content), TempFolder.Sha256(restored));
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.PutBlob));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlock));
    }

    [TestMethod]
    public async Task AWritingFailureMidwayCommitsNothingAndLeavesNoEntry()
    {
        await using var session = await EmulatorSession.StartAsync();
        var hook = new BlockUploadHook();
        var backend = new GitHubActionsBackend(session.Settings(EmulatorSession.SmallPieces), session.Logger, hook);
        var bytes = await File.ReadAllBytesAsync(session.Temp.RandomFile("content", 2 << 20, seed: 23));
        var path = session.Temp.File("growing");
        var archive = new GrowingArchive(path);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        await Publish(file, archive, bytes);

        var save = backend.SaveAsync("deps-broken", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        await hook.FirstBlockAccepted.WaitAsync(TimeSpan.FromSeconds(60));
        archive.Fail(new CacheArchiveException("a file could not be read"));

        var thrown = await Assert.ThrowsExactlyAsync<CacheArchiveException>(() => save);
        Assert.AreEqual("a file could not be read", thrown.Message);
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlockList));
        Assert.AreEqual(0, session.Emulator.Stats.Get(Finalize));
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() =>
            backend.RestoreAsync("deps-broken", NoRestoreKeys, EmulatorSession.GzipVersion, session.Temp.File("restored"), CancellationToken.None));
    }

    [TestMethod]
    public async Task ASaveCancelledWhileWritingFinalizesNothingAndLeavesNoEntry()
    {
        await using var session = await EmulatorSession.StartAsync();
        using var cancel = new CancellationTokenSource();
        var hook = new BlockUploadHook(cancel.Cancel);
        var source = SampleRoots.Large(session.Temp, "source", 50_000_000);

        await Assert.ThrowsAsync<OperationCanceledException>(() => session.Manager(source, Key, EmulatorSession.SmallPieces, hook).SaveAsync(cancel.Token));

        var target = session.Temp.Combine("target");
        Directory.CreateDirectory(target);
        var restore = await session.Manager(target, Key, EmulatorSession.SmallPieces).RestoreAsync();
        Assert.IsFalse(restore.Hit);
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlockList));
        Assert.AreEqual(0, session.Emulator.Stats.Get(Finalize));
    }

    [TestMethod]
    public async Task ABlockAnswered500MidStreamIsSentAgainAndTheSaveSucceeds()
    {
        await using var session = await EmulatorSession.StartAsync();
        var hook = new BlockUploadHook(() => session.Emulator.Faults.FailBlockUploads(1));
        var source = SampleRoots.Large(session.Temp, "source", 5_000_000);

        var saved = await session.Manager(source, Key, EmulatorSession.SmallPieces, hook).SaveAsync();
        var target = session.Temp.Combine("target");
        Directory.CreateDirectory(target);
        var restored = await session.Manager(target, Key, EmulatorSession.SmallPieces).RestoreAsync();

        Assert.IsTrue(saved.Saved);
        Assert.IsTrue(restored.Exact);
        CollectionAssert.AreEqual(TreeSnapshot.Of(source).ToList(), TreeSnapshot.Of(target).ToList());
        var blocks = (int)((saved.ArchiveBytes + EmulatorSession.SmallPieces.BlockSize - 1) / EmulatorSession.SmallPieces.BlockSize);
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.InjectedFault));
        Assert.AreEqual(blocks + 1, session.Emulator.Stats.Get(EmulatorStats.PutBlock), "only the failed block is sent twice");
        Assert.AreEqual(1, session.Emulator.Stats.Get(Finalize));
    }

    [TestMethod]
    public async Task AnExistingKeyLearnedAtReservationStopsTheWritingEarly()
    {
        await using var session = await EmulatorSession.StartAsync();
        var first = SampleRoots.Large(session.Temp, "first", 100_000);
        await session.Manager(first, Key, MediumBlocks).SaveAsync();
        var uploadsAfterFirst = session.Emulator.Stats.Snapshot();
        var second = SampleRoots.Large(session.Temp, "second", 100_000_000);

        var duplicate = await session.Manager(second, Key, MediumBlocks).SaveAsync();

        Assert.IsTrue(duplicate.Saved);
        Assert.AreEqual(SkipReasons.AlreadyExists, duplicate.Reason);
        Assert.IsTrue(session.Logger.Has(CacheLogLevel.Detail, "Stopped writing the cache archive early"), session.Logger.AllText);
        foreach (var upload in new[] { EmulatorStats.PutBlob, EmulatorStats.PutBlock, Finalize })
        {
            Assert.AreEqual(uploadsAfterFirst.GetValueOrDefault(upload), session.Emulator.Stats.Get(upload), upload);
        }
    }

    private static async Task Publish(FileStream file, GrowingArchive archive, ReadOnlyMemory<byte> bytes)
    {
        await file.WriteAsync(bytes);
        await file.FlushAsync();
        archive.ReportAvailable(file.Position);
    }
}
