using System.Formats.Tar;
using System.IO.Compression;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Emulator;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Root;
using Atmos.Cache.Testing;
using TarEntryType = System.Formats.Tar.TarEntryType;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>Restores whose extraction follows the ranged download instead of waiting for its end.</summary>
[TestClass]
public sealed class StreamingRestoreTests
{
    private const string Key = "atmos-cache-linux-amd64-57ea4a1n9c0ffee1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>Ranges small enough that a 100 MB archive takes many of them, 4 in flight.</summary>
    private static TransferSettings MediumRanges => new() { SingleShotLimit = 8 << 20, BlockSize = 4 << 20, RangeSize = 4 << 20, DownloadParallelism = 4 };

    [TestMethod]
    public async Task ALargeMultiRangeArchiveRestoresByteForByteWhileDownloading()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = SampleRoots.Large(session.Temp, "source", 100_000_000);
        var saved = await session.Manager(source, Key, MediumRanges).SaveAsync();
        var target = session.Temp.Combine("target");
        Directory.CreateDirectory(target);
        var rangesBefore = session.Emulator.Stats.Get(EmulatorStats.RangedGet);

        var restored = await session.Manager(target, Key, MediumRanges).RestoreAsync();

        var ranges = (int)((saved.ArchiveBytes + MediumRanges.RangeSize - 1) / MediumRanges.RangeSize);
        Assert.IsTrue(restored.Exact);
        Assert.AreEqual(saved.ArchiveBytes, restored.ArchiveBytes);
        Assert.AreEqual(saved.Entries, restored.Entries);
        Assert.IsGreaterThan(10, ranges);
        // Plus one: the archive's tail (its gzip chunk index) is fetched ahead of the ranges.
        Assert.AreEqual(ranges + 1, session.Emulator.Stats.Get(EmulatorStats.RangedGet) - rangesBefore);
        Assert.IsTrue(session.Logger.Has(CacheLogLevel.Detail, "gzip chunks on"), "the chunks were inflated in parallel while the rest arrived");
        CollectionAssert.AreEqual(TreeSnapshot.Entries(source), TreeSnapshot.Entries(target));
        AssertNoScratchLeft(target);
    }

    [TestMethod]
    public async Task ExtractionStagesTheFirstEntriesWhileTheLastRangeIsStillHeldBack()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = SampleRoots.Large(session.Temp, "source", 6_000_000);
        var saved = await session.Manager(source, Key, EmulatorSession.SmallPieces).SaveAsync();
        var target = session.Temp.Combine("target");
        Directory.CreateDirectory(CachePaths.ScratchPath(target));
        var hook = new RangeDownloadHook { HoldFrom = LastRangeStart(saved.ArchiveBytes, EmulatorSession.SmallPieces) };
        using var watcher = new StagedFileWatcher(CachePaths.ScratchPath(target), SampleRoots.FirstFile, new FileInfo(Path.Combine(source, SampleRoots.FirstFile)).Length);

        var restore = session.Manager(target, Key, EmulatorSession.SmallPieces, hook).RestoreAsync();
        await hook.FirstHeld.WaitAsync(Patience);
        await watcher.Staged.WaitAsync(Patience);
        var finishedBeforeRelease = restore.IsCompleted;
        var mergedBeforeRelease = File.Exists(Path.Combine(target, SampleRoots.FirstFile));
        hook.Release();
        var restored = await restore.WaitAsync(Patience);

        Assert.IsFalse(finishedBeforeRelease);
        Assert.IsFalse(mergedBeforeRelease, "nothing reaches the root before the whole archive arrived");
        Assert.IsTrue(restored.Exact);
        CollectionAssert.AreEqual(TreeSnapshot.Entries(source), TreeSnapshot.Entries(target));
        AssertNoScratchLeft(target);
    }

    [TestMethod]
    public async Task ARangeFailingForGoodMidwayLeavesTheRootExactlyAsItWas()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = SampleRoots.Large(session.Temp, "source", 6_000_000);
        var saved = await session.Manager(source, Key, EmulatorSession.SmallPieces).SaveAsync();
        var target = OlderRoot(session);
        var before = TreeSnapshot.Entries(target);
        var hook = new RangeDownloadHook { FailFrom = MidRangeStart(saved.ArchiveBytes, EmulatorSession.SmallPieces) };

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => session.Manager(target, Key, EmulatorSession.SmallPieces, hook).RestoreAsync());

        StringAssert.Contains(error.Message, "attempts");
        Assert.IsGreaterThan(1, hook.Injected, "the failing range was retried before giving up");
        CollectionAssert.AreEqual(before, TreeSnapshot.Entries(target));
        AssertNoScratchLeft(target);
    }

    [TestMethod]
    public async Task ARangeAnswered500OnceIsFetchedAgainAndTheRestoreIsByteForByte()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = SampleRoots.Large(session.Temp, "source", 6_000_000);
        var saved = await session.Manager(source, Key, EmulatorSession.SmallPieces).SaveAsync();
        var target = session.Temp.Combine("target");
        Directory.CreateDirectory(target);
        var hook = new RangeDownloadHook { FailOnceAt = MidRangeStart(saved.ArchiveBytes, EmulatorSession.SmallPieces) };
        var rangesBefore = session.Emulator.Stats.Get(EmulatorStats.RangedGet);

        var restored = await session.Manager(target, Key, EmulatorSession.SmallPieces, hook).RestoreAsync();

        var ranges = (int)((saved.ArchiveBytes + EmulatorSession.SmallPieces.RangeSize - 1) / EmulatorSession.SmallPieces.RangeSize);
        Assert.IsTrue(restored.Exact);
        Assert.AreEqual(1, hook.Injected);
        // The 500 never reached storage: every range was fetched from it exactly once.
        Assert.AreEqual(ranges, session.Emulator.Stats.Get(EmulatorStats.RangedGet) - rangesBefore);
        Assert.AreEqual(1, session.Delays.Delays.Count, "one backoff, for the failed range");
        CollectionAssert.AreEqual(TreeSnapshot.Entries(source), TreeSnapshot.Entries(target));
        AssertNoScratchLeft(target);
    }

    [TestMethod]
    public async Task ARangeCutShortIsFetchedAgainAndTheRestoreIsByteForByte()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = SampleRoots.Large(session.Temp, "source", 3_000_000);
        var saved = await session.Manager(source, Key, EmulatorSession.SmallPieces).SaveAsync();
        var target = session.Temp.Combine("target");
        Directory.CreateDirectory(target);
        var rangesBefore = session.Emulator.Stats.Get(EmulatorStats.RangedGet);
        session.Emulator.Faults.CutDownloads(1);

        var restored = await session.Manager(target, Key, EmulatorSession.SmallPieces).RestoreAsync();

        var ranges = (int)((saved.ArchiveBytes + EmulatorSession.SmallPieces.RangeSize - 1) / EmulatorSession.SmallPieces.RangeSize);
        Assert.IsTrue(restored.Exact);
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.InjectedFault));
        Assert.AreEqual(ranges + 1, session.Emulator.Stats.Get(EmulatorStats.RangedGet) - rangesBefore, "only the cut range is fetched twice");
        CollectionAssert.AreEqual(TreeSnapshot.Entries(source), TreeSnapshot.Entries(target));
    }

    [TestMethod]
    public async Task ARestoreCancelledMidDownloadStopsBothSidesAndLeavesTheRootAsItWas()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = SampleRoots.Large(session.Temp, "source", 6_000_000);
        var saved = await session.Manager(source, Key, EmulatorSession.SmallPieces).SaveAsync();
        var target = OlderRoot(session);
        var before = TreeSnapshot.Entries(target);
        using var cancel = new CancellationTokenSource();
        var hook = new RangeDownloadHook { HoldFrom = MidRangeStart(saved.ArchiveBytes, EmulatorSession.SmallPieces), OnFirstHeld = cancel.Cancel };

        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            session.Manager(target, Key, EmulatorSession.SmallPieces, hook).RestoreAsync(cancel.Token).WaitAsync(Patience));

        Assert.IsTrue(hook.HeldRangeCancelled.IsCompleted, "the download was stopped, not left running");
        CollectionAssert.AreEqual(before, TreeSnapshot.Entries(target));
        AssertNoScratchLeft(target);
        var restored = await session.Manager(target, Key, EmulatorSession.SmallPieces).RestoreAsync();
        Assert.IsTrue(restored.Exact, "a cancelled restore records nothing, so the next one runs");
    }

    [TestMethod]
    public async Task ACorruptArchiveStopsTheDownloadAndLeavesTheRootAsItWas()
    {
        await using var session = await EmulatorSession.StartAsync();
        var version = CacheVersion.For(session.Config("unused", Key).Compression);
        var corrupt = CorruptArchive(session);
        await session.Backend(EmulatorSession.SmallPieces).SaveAsync(Key, version, corrupt, CancellationToken.None);
        var target = OlderRoot(session);
        var before = TreeSnapshot.Entries(target);
        // Only the first range (holding the damaged block) goes through, once the next ones are held:
        // the rest never arrives, so only the extraction's failure can end the restore.
        var hook = new RangeDownloadHook { HoldFrom = EmulatorSession.SmallPieces.RangeSize, LeadWaitsForHold = true };

        var error = await Assert.ThrowsExactlyAsync<CacheIntegrityException>(() =>
            session.Manager(target, Key, EmulatorSession.SmallPieces, hook).RestoreAsync().WaitAsync(Patience));

        StringAssert.Contains(error.Message, "corrupt");
        Assert.IsTrue(hook.HeldRangeCancelled.IsCompleted, "the download was stopped");
        CollectionAssert.AreEqual(before, TreeSnapshot.Entries(target));
        AssertNoScratchLeft(target);
    }

    private static long LastRangeStart(long size, TransferSettings transfer) => (size - 1) / transfer.RangeSize * transfer.RangeSize;

    private static long MidRangeStart(long size, TransferSettings transfer) => size / 2 / transfer.RangeSize * transfer.RangeSize;

    /// <summary>A root that already holds content (one file of the archive in an older version, one of its own).</summary>
    private static string OlderRoot(EmulatorSession session)
    {
        var root = session.Temp.Combine("target");
        Directory.CreateDirectory(Path.Combine(root, "notes"));
        File.WriteAllText(Path.Combine(root, "notes", "note-0.txt"), "an older note\n");
        File.WriteAllText(Path.Combine(root, "older.txt"), "kept too\n");
        return root;
    }

    /// <summary>
    /// A gzip tar of enough data for many ranges whose first deflate block is damaged (its type set
    /// to the reserved 3), so the decompressor refuses it at its first read.
    /// </summary>
    private static string CorruptArchive(EmulatorSession session)
    {
        var noise = new byte[3_000_000];
        new Random(4).NextBytes(noise);
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, SampleRoots.FirstFile) { DataStream = new MemoryStream("x"u8.ToArray()) });
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "noise.bin") { DataStream = new MemoryStream(noise) });
        }

        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            tar.Position = 0;
            tar.CopyTo(gzip);
        }

        var bytes = compressed.ToArray();
        const int GzipHeaderLength = 10; // no file name or extra fields
        bytes[GzipHeaderLength] |= 0b110; // BTYPE (bits 1-2 of the first deflate byte) = 3, which is reserved
        var path = session.Temp.Combine("corrupt.archive");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertNoScratchLeft(string root)
    {
        var scratch = CachePaths.ScratchPath(root);
        var left = Directory.Exists(scratch) ? Directory.GetFileSystemEntries(scratch) : [];
        Assert.IsEmpty(left, $"left in the scratch folder: {string.Join(", ", left.Select(Path.GetFileName))}");
    }
}
