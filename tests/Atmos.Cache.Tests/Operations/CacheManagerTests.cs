using Atmos.Cache.Archiving;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.State;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Operations;

[TestClass]
public sealed class CacheManagerTests
{
    private const string StateFolder = ".atmos-cache";

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Cancel => TestContext.CancellationToken;

    [TestMethod]
    public async Task FirstRestoreIsAMissAndIsRecordedSoASecondRestoreIsSkipped()
    {
        using var temp = new TempFolder();
        var manager = ManagerFor(TestConfigs.For(temp));

        var first = await manager.RestoreAsync(Cancel);
        var second = await manager.RestoreAsync(Cancel);

        Assert.IsFalse(first.Hit);
        Assert.IsFalse(first.Skipped);
        Assert.IsTrue(second.Skipped);
        Assert.IsFalse(second.Hit);
        Assert.AreEqual(RestoredFrom.Miss, new StateMarker(manager.Config.Root).Get(manager.Config.Key)!.RestoredFrom);
    }

    [TestMethod]
    public async Task SaveAfterMissUploadsThenASecondSaveIsSkipped()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp);
        var manager = ManagerFor(config);
        await manager.RestoreAsync(Cancel);
        SampleTree.Create(config.Root);

        var saved = await manager.SaveAsync(Cancel);
        var again = await manager.SaveAsync(Cancel);

        Assert.IsTrue(saved.Saved);
        Assert.IsFalse(saved.Skipped);
        Assert.IsGreaterThan(0L, saved.ArchiveBytes);
        Assert.IsTrue(again.Skipped);
        Assert.AreEqual(SkipReasons.AlreadySaved, again.Reason);
        Assert.HasCount(1, await manager.ListAsync("", Cancel));
    }

    [TestMethod]
    public async Task ExactHitRestoresTheIdenticalTreeAndTheFollowingSaveIsSkipped()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp);
        SampleTree.Create(config.Root);
        await ManagerFor(config).SaveAsync(Cancel);
        var saved = TreeListing.OfContent(config.Root);
        var fresh = config with { Root = temp.Combine("fresh-machine-root") };
        var manager = ManagerFor(fresh);

        var restored = await manager.RestoreAsync(Cancel);
        var save = await manager.SaveAsync(Cancel);

        Assert.IsTrue(restored.Hit);
        Assert.IsTrue(restored.Exact);
        Assert.AreEqual(config.Key, restored.MatchedKey);
        TreeListing.AssertSame(saved, TreeListing.OfContent(fresh.Root));
        Assert.IsTrue(save.Skipped);
        Assert.AreEqual(SkipReasons.ExactHit, save.Reason);
    }

    [TestMethod]
    public async Task PrefixHitRestoresTheNewestMatchAndSaveStoresTheNewKey()
    {
        using var temp = new TempFolder();
        var old = TestConfigs.For(temp, "deps-linux-old");
        SampleTree.Create(old.Root);
        File.WriteAllText(Path.Combine(old.Root, "variant.txt"), "old");
        await ManagerFor(old).SaveAsync(Cancel);
        var current = TestConfigs.For(temp, "deps-linux-new", "deps-linux-") with { Root = temp.Combine("root2") };
        var manager = ManagerFor(current);

        var restored = await manager.RestoreAsync(Cancel);
        var saved = await manager.SaveAsync(Cancel);

        Assert.IsTrue(restored.Hit);
        Assert.IsFalse(restored.Exact);
        Assert.AreEqual("deps-linux-old", restored.MatchedKey);
        Assert.IsTrue(saved.Saved);
        Assert.IsFalse(saved.Skipped);
        CollectionAssert.AreEquivalent(new[] { "deps-linux-old", "deps-linux-new" }, (await manager.ListAsync("deps-", Cancel)).Select(e => e.Key).ToArray());
        var state = new StateMarker(current.Root).Get(current.Key)!;
        Assert.AreEqual(RestoredFrom.Prefix, state.RestoredFrom);
        Assert.AreEqual("deps-linux-old", state.MatchedKey);
        Assert.IsTrue(state.Saved);
    }

    [TestMethod]
    public async Task SaveKeyAlreadyStoredByAnotherJobCountsAsSaved()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp);
        SampleTree.Create(config.Root);
        await ManagerFor(config).SaveAsync(Cancel);
        var otherJob = config with { Root = temp.Combine("other-root") };
        SampleTree.Create(otherJob.Root);
        File.WriteAllText(Path.Combine(otherJob.Root, "variant.txt"), "different");

        var result = await ManagerFor(otherJob).SaveAsync(Cancel);

        Assert.IsTrue(result.Saved);
        Assert.IsTrue(result.Skipped);
        Assert.AreEqual(SkipReasons.AlreadyExists, result.Reason);
        Assert.IsTrue(new StateMarker(otherJob.Root).Get(config.Key)!.Saved);
    }

    [TestMethod]
    public async Task RestoreOfACorruptEntryFailsAndLeavesTheRootAsItWas()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp);
        var corrupt = temp.Combine("corrupt.tgz");
        File.WriteAllBytes(corrupt, [0x1f, 0x8b, 0x08, 0x00, .. "definitely not a deflate stream"u8.ToArray()]);
        await new LocalBackend(config.LocalDirectory).SaveAsync(config.Key, CacheVersion.For(config.Compression), corrupt, Cancel);
        SampleTree.Create(config.Root);
        File.WriteAllText(Path.Combine(config.Root, "variant.txt"), "existing");
        var before = TreeListing.OfContent(config.Root);

        await Assert.ThrowsExactlyAsync<CacheIntegrityException>(() => ManagerFor(config).RestoreAsync(Cancel));

        TreeListing.AssertSame(before, TreeListing.OfContent(config.Root));
        Assert.IsNull(new StateMarker(config.Root).Get(config.Key), "a failed restore records nothing, so it can be tried again");
        Assert.HasCount(0, Directory.GetFileSystemEntries(Path.Combine(config.Root, StateFolder, "tmp")), "no scratch files are left behind");
    }

    [TestMethod]
    public async Task SaveWithoutARootIsSkipped()
    {
        using var temp = new TempFolder();

        var result = await ManagerFor(TestConfigs.For(temp)).SaveAsync(Cancel);

        Assert.IsTrue(result.Skipped);
        Assert.AreEqual(SkipReasons.NoRoot, result.Reason);
        Assert.IsFalse(Directory.Exists(temp.Combine("root")));
    }

    [TestMethod]
    public async Task InvalidKeyIsAConfigurationErrorBeforeAnyWork()
    {
        using var temp = new TempFolder();
        var manager = ManagerFor(TestConfigs.For(temp, "has,comma"));

        await Assert.ThrowsExactlyAsync<CacheConfigurationException>(() => manager.RestoreAsync(Cancel));
        await Assert.ThrowsExactlyAsync<CacheConfigurationException>(() => manager.SaveAsync(Cancel));
        Assert.IsFalse(Directory.Exists(temp.Combine("root")));
    }

    [TestMethod]
    public async Task DeleteRemovesTheEntryAndRejectsAnEmptyKey()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp);
        SampleTree.Create(config.Root);
        var manager = ManagerFor(config);
        await manager.SaveAsync(Cancel);

        await manager.DeleteAsync(config.Key, Cancel);

        Assert.HasCount(0, await manager.ListAsync("", Cancel));
        await Assert.ThrowsExactlyAsync<CacheConfigurationException>(() => manager.DeleteAsync(" ", Cancel));
    }

    [TestMethod]
    public async Task ZstdSaveIsStoredInItsOwnNamespaceAndRestores()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp) with { Compression = ArchiveCompression.Zstd };
        SampleTree.Create(config.Root);
        await ManagerFor(config).SaveAsync(Cancel);
        var gzipReader = config with { Root = temp.Combine("gzip-root"), Compression = ArchiveCompression.Gzip };
        var zstdReader = config with { Root = temp.Combine("zstd-root") };

        var gzipResult = await ManagerFor(gzipReader).RestoreAsync(Cancel);
        var zstdResult = await ManagerFor(zstdReader).RestoreAsync(Cancel);

        Assert.IsFalse(gzipResult.Hit, "a gzip reader never receives a zstd entry");
        Assert.IsTrue(zstdResult.Exact);
        TreeListing.AssertSame(TreeListing.OfContent(config.Root), TreeListing.OfContent(zstdReader.Root));
    }

    [TestMethod]
    public async Task LeftoversOfACrashedRestoreAreRemovedByTheNextOperation()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp);
        SampleTree.Create(config.Root);
        var scratch = Path.Combine(config.Root, StateFolder, "tmp");
        Directory.CreateDirectory(Path.Combine(scratch, "extract-crashed", "half", "written"));
        File.WriteAllText(Path.Combine(scratch, "restore-crashed.archive"), "partial download");

        await ManagerFor(config).SaveAsync(Cancel);

        Assert.HasCount(0, Directory.GetFileSystemEntries(scratch));
    }

    [TestMethod]
    public async Task WithZstdConfiguredARestoreFindsTheAtmosGzipEntryAndTheSaveStillWritesZstd()
    {
        using var temp = new TempFolder();
        var atmos = TestConfigs.For(temp) with { Compression = ArchiveCompression.Gzip };
        SampleTree.Create(atmos.Root);
        await ManagerFor(atmos).SaveAsync(Cancel);
        var saved = TreeListing.OfContent(atmos.Root);
        var zstd = atmos with { Compression = ArchiveCompression.Zstd, Root = temp.Combine("zstd-root") };
        var manager = ManagerFor(zstd);

        var restored = await manager.RestoreAsync(Cancel);
        var save = await manager.SaveAsync(Cancel);

        Assert.IsTrue(restored.Hit, "the gzip namespace is looked in before reporting a miss");
        Assert.IsTrue(restored.Exact);
        TreeListing.AssertSame(saved, TreeListing.OfContent(zstd.Root));
        Assert.IsTrue(save.Saved);
        Assert.IsFalse(save.Skipped, "the zstd entry is written even though the gzip entry had the exact key");
        var entries = await manager.ListAsync("", Cancel);
        CollectionAssert.AreEquivalent(
            new[] { CacheVersion.For(ArchiveCompression.Gzip), CacheVersion.For(ArchiveCompression.Zstd) },
            entries.Select(e => e.Version).ToArray());

        var again = await ManagerFor(zstd with { Root = temp.Combine("third-root") }).RestoreAsync(Cancel);
        Assert.IsTrue(again.Exact);
    }

    [TestMethod]
    public async Task WithZstdConfiguredAMissInBothNamespacesIsAMiss()
    {
        using var temp = new TempFolder();
        var zstd = TestConfigs.For(temp) with { Compression = ArchiveCompression.Zstd };

        var restored = await ManagerFor(zstd).RestoreAsync(Cancel);

        Assert.IsFalse(restored.Hit);
        Assert.AreEqual(RestoredFrom.Miss, new StateMarker(zstd.Root).Get(zstd.Key)!.RestoredFrom);
    }

    [TestMethod]
    public async Task WithGzipConfiguredTheZstdNamespaceIsNeverRead()
    {
        using var temp = new TempFolder();
        var zstd = TestConfigs.For(temp) with { Compression = ArchiveCompression.Zstd };
        SampleTree.Create(zstd.Root);
        await ManagerFor(zstd).SaveAsync(Cancel);

        var restored = await ManagerFor(zstd with { Compression = ArchiveCompression.Gzip, Root = temp.Combine("gzip-root") }).RestoreAsync(Cancel);

        Assert.IsFalse(restored.Hit, "the Atmos CLI cannot read zstd entries, so the gzip namespace stays gzip-only");
    }

    [TestMethod]
    public async Task LeftoversOfAKilledRestoreAreRemovedBeforeTheNextRestoreStarts()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp);
        var scratch = Path.Combine(config.Root, StateFolder, "tmp");
        // What a restore killed mid-extraction leaves: a staging tree (with a read-only file), a trash folder, a download.
        var staging = Path.Combine(scratch, "extract-killed", "deep", "er");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "read-only.txt"), "x");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(staging, "read-only.txt"), UnixFileMode.UserRead);
        }
        Directory.CreateDirectory(Path.Combine(scratch, "trash-killed", "0"));
        File.WriteAllText(Path.Combine(scratch, "restore-killed.archive"), "partial download");

        var result = await ManagerFor(config).RestoreAsync(Cancel);

        Assert.IsFalse(result.Hit);
        Assert.HasCount(0, Directory.GetFileSystemEntries(scratch));
    }

    private static CacheManager ManagerFor(CacheConfig config) =>
        new(new LocalBackend(config.LocalDirectory, new SteppingTimeProvider()), config);
}
