using Atmos.Cache.Archiving;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Emulator;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>Save and restore through the backend, the emulator and Azurite.</summary>
[TestClass]
public sealed class SaveRestoreTests
{
    private static readonly string[] NoRestoreKeys = [];

    [TestMethod]
    public async Task SmallArchiveRoundTripsInOnePutBlob()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        var archive = session.Temp.RandomFile("small.archive", 300_000, seed: 1);

        await backend.SaveAsync("deps-linux-1", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        var restored = session.Temp.File("restored");
        var match = await backend.RestoreAsync("deps-linux-1", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        Assert.AreEqual("deps-linux-1", match.MatchedKey);
        Assert.AreEqual(new FileInfo(archive).Length, match.Size);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.PutBlob));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlock));
    }

    [TestMethod]
    public async Task WithDirectBlobUrlsBlocksAndRangesGoStraightToStorage()
    {
        await using var session = await EmulatorSession.StartAsync(o => o with { DirectBlobUrls = true });
        var backend = session.Backend(EmulatorSession.SmallPieces);
        var archive = session.Temp.RandomFile("large.archive", 3_000_000, seed: 11);

        await backend.SaveAsync("deps-direct", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        var restored = session.Temp.File("restored");
        await backend.RestoreAsync("deps-direct", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        // The proxy saw none of the blob traffic: it went to Azurite itself.
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlock));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlockList));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.RangedGet));
    }

    [TestMethod]
    public async Task RestoreOfAnUnknownKeyIsNotFound()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();

        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() =>
            backend.RestoreAsync("nothing-here", ["nothing-"], EmulatorSession.GzipVersion, session.Temp.File("out"), CancellationToken.None));
    }

    [TestMethod]
    public async Task RestoreKeyPrefixPicksTheNewestEntryAndExactKeyWins()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        var older = session.Temp.RandomFile("older", 10_000, seed: 2);
        var newer = session.Temp.RandomFile("newer", 12_000, seed: 3);
        await backend.SaveAsync("deps-linux-aaa", EmulatorSession.GzipVersion, older, CancellationToken.None);
        await backend.SaveAsync("deps-linux-bbb", EmulatorSession.GzipVersion, newer, CancellationToken.None);

        var byPrefix = session.Temp.File("by-prefix");
        var prefixMatch = await backend.RestoreAsync("deps-linux-ccc", ["other-", "deps-linux-"], EmulatorSession.GzipVersion, byPrefix, CancellationToken.None);
        var exact = session.Temp.File("exact");
        var exactMatch = await backend.RestoreAsync("deps-linux-aaa", ["deps-linux-"], EmulatorSession.GzipVersion, exact, CancellationToken.None);

        Assert.AreEqual("deps-linux-bbb", prefixMatch.MatchedKey);
        Assert.AreEqual(TempFolder.Sha256(newer), TempFolder.Sha256(byPrefix));
        Assert.AreEqual("deps-linux-aaa", exactMatch.MatchedKey);
        Assert.AreEqual(TempFolder.Sha256(older), TempFolder.Sha256(exact));
    }

    [TestMethod]
    public async Task ZstdEntriesLiveInTheirOwnVersionNamespace()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        var archive = session.Temp.RandomFile("gzip", 5_000, seed: 4);
        await backend.SaveAsync("deps-ns", CacheVersion.For(ArchiveCompression.Gzip), archive, CancellationToken.None);

        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() =>
            backend.RestoreAsync("deps-ns", ["deps-"], CacheVersion.For(ArchiveCompression.Zstd), session.Temp.File("out"), CancellationToken.None));
    }

    [TestMethod]
    [DataRow(false, DisplayName = "conflict answered ok=false")]
    [DataRow(true, DisplayName = "conflict answered with Twirp already_exists")]
    public async Task TwoConcurrentSavesOfOneKeyUploadOnce(bool conflictAsTwirpError)
    {
        await using var session = await EmulatorSession.StartAsync(options => options with { ConflictAsTwirpError = conflictAsTwirpError });
        var first = session.Temp.RandomFile("first", 400_000, seed: 5);
        var second = session.Temp.RandomFile("second", 400_000, seed: 6);

        var saves = new[] { first, second }
            .Select(archive => Task.Run(() => session.Backend().SaveAsync("deps-race", EmulatorSession.GzipVersion, archive, CancellationToken.None)))
            .ToArray();
        var outcomes = await Task.WhenAll(saves.Select(async save =>
        {
            try
            {
                await save;
                return "saved";
            }
            catch (CacheAlreadyExistsException e)
            {
                StringAssert.Contains(e.Message, "already exists");
                return "exists";
            }
        }));

        CollectionAssert.AreEquivalent(new[] { "saved", "exists" }, outcomes);
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.PutBlob));
        var restored = session.Temp.File("restored");
        await session.Backend().RestoreAsync("deps-race", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);
        var winner = saves[0].IsCompletedSuccessfully ? first : second;
        Assert.AreEqual(TempFolder.Sha256(winner), TempFolder.Sha256(restored));
    }

    [TestMethod]
    public async Task SavingAFinalizedKeyAgainReportsAlreadyExists()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend();
        var archive = session.Temp.RandomFile("a", 1_000, seed: 7);
        await backend.SaveAsync("deps-once", EmulatorSession.GzipVersion, archive, CancellationToken.None);

        await Assert.ThrowsExactlyAsync<CacheAlreadyExistsException>(() =>
            backend.SaveAsync("deps-once", EmulatorSession.GzipVersion, archive, CancellationToken.None));
    }

    [TestMethod]
    public async Task StagedBlocksAndRangesCarryAMultiPieceArchiveExactly()
    {
        await using var session = await EmulatorSession.StartAsync();
        var backend = session.Backend(EmulatorSession.SmallPieces);
        // Not a multiple of the block size, so the last block and range are short.
        var archive = session.Temp.RandomFile("multi", (3 << 20) + 12_345, seed: 8);

        await backend.SaveAsync("deps-multi", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        var restored = session.Temp.File("restored");
        var match = await backend.RestoreAsync("deps-multi", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        var pieces = (int)Math.Ceiling(new FileInfo(archive).Length / (double)EmulatorSession.SmallPieces.BlockSize);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(new FileInfo(archive).Length, match.Size);
        Assert.AreEqual(pieces, session.Emulator.Stats.Get(EmulatorStats.PutBlock));
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.PutBlockList));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlob));
        Assert.AreEqual(pieces, session.Emulator.Stats.Get(EmulatorStats.RangedGet));
    }

    [TestMethod]
    [Timeout(240_000, CooperativeCancellation = true)]
    public async Task LargeArchiveUsesDefaultStagedUploadAndParallelRangesByteForByte()
    {
        await using var session = await EmulatorSession.StartAsync();
        var transfer = new TransferSettings();
        var backend = session.Backend(transfer);
        var size = (150L << 20) + 777;
        var archive = session.Temp.RandomFile("large", size, seed: 9);
        var expected = TempFolder.Sha256(archive);

        await backend.SaveAsync("deps-large", EmulatorSession.GzipVersion, archive, CancellationToken.None);
        var restored = session.Temp.File("restored");
        var match = await backend.RestoreAsync("deps-large", NoRestoreKeys, EmulatorSession.GzipVersion, restored, CancellationToken.None);

        Assert.AreEqual(size, match.Size);
        Assert.AreEqual(expected, TempFolder.Sha256(restored));
        var blocks = (int)((size + transfer.BlockSize - 1) / transfer.BlockSize);
        Assert.AreEqual(blocks, session.Emulator.Stats.Get(EmulatorStats.PutBlock));
        Assert.AreEqual((int)((size + transfer.RangeSize - 1) / transfer.RangeSize), session.Emulator.Stats.Get(EmulatorStats.RangedGet));
        var progress = session.Logger.Lines.Where(line => line.Level == CacheLogLevel.Info).Select(line => line.Message).ToList();
        Assert.IsTrue(progress.Any(line => line.StartsWith("Uploading cache archive: 100%", StringComparison.Ordinal)), string.Join("\n", progress));
        Assert.IsTrue(progress.Any(line => line.StartsWith("Downloading cache archive: 100%", StringComparison.Ordinal)), string.Join("\n", progress));
        Assert.IsTrue(progress.Count(line => line.StartsWith("Uploading", StringComparison.Ordinal)) >= 5, "progress is reported in steps, not only at the end");
    }
}
