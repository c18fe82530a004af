using Atmos.Cache.Backends;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Root;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>The cache manager over the GitHub backend, the emulator and Azurite.</summary>
[TestClass]
public sealed class ManagerTests
{
    private const string Key = "atmos-cache-linux-amd64-0123456789abcdef";
    private const string RestorePrefix = "atmos-cache-linux-amd64-";

    [TestMethod]
    public async Task MissThenSaveThenExactHitRestoresIdenticalContent()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = MakeRoot(session, "source");
        var sourceFiles = TreeSnapshot.Of(source);

        var first = session.Manager(source, Key, EmulatorSession.SmallPieces);
        var miss = await first.RestoreAsync();
        var saved = await first.SaveAsync();

        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);
        var second = session.Manager(target, Key, EmulatorSession.SmallPieces);
        var hit = await second.RestoreAsync();
        var resave = await second.SaveAsync();

        Assert.IsFalse(miss.Hit);
        Assert.IsTrue(saved.Saved);
        Assert.IsFalse(saved.Skipped);
        Assert.IsTrue(hit.Hit);
        Assert.IsTrue(hit.Exact);
        Assert.AreEqual(Key, hit.MatchedKey);
        CollectionAssert.AreEquivalent(sourceFiles.ToList(), TreeSnapshot.Of(target).ToList());
        Assert.AreEqual(SkipReasons.ExactHit, resave.Reason);
    }

    [TestMethod]
    public async Task ANewKeyRestoresTheNewestPrefixMatchAndASecondWriterFindsItExists()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = MakeRoot(session, "source");
        await session.Manager(source, Key, EmulatorSession.SmallPieces).SaveAsync();

        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);
        var next = session.Manager(target, RestorePrefix + "fedcba9876543210", EmulatorSession.SmallPieces, restoreKeys: [RestorePrefix]);
        var prefixHit = await next.RestoreAsync();
        var other = MakeRoot(session, "other");
        var duplicate = await session.Manager(other, Key, EmulatorSession.SmallPieces).SaveAsync();

        Assert.IsTrue(prefixHit.Hit);
        Assert.IsFalse(prefixHit.Exact);
        Assert.AreEqual(Key, prefixHit.MatchedKey);
        CollectionAssert.AreEquivalent(TreeSnapshot.Of(source).ToList(), TreeSnapshot.Of(target).ToList());
        Assert.IsTrue(duplicate.Saved);
        Assert.AreEqual(SkipReasons.AlreadyExists, duplicate.Reason);
    }

    [TestMethod]
    public async Task AServiceDownForGoodFailsTheRestoreAndLeavesTheRootUnchanged()
    {
        await using var session = await EmulatorSession.StartAsync();
        var root = MakeRoot(session, "root");
        var before = TreeSnapshot.Of(root);
        session.Emulator.Faults.Down = true;

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() => session.Manager(root, Key, EmulatorSession.SmallPieces).RestoreAsync());

        CollectionAssert.AreEquivalent(before.ToList(), TreeSnapshot.Of(root).ToList());
    }

    [TestMethod]
    public async Task ADownloadCutShortForGoodFailsTheRestoreAndLeavesTheRootUnchanged()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = MakeRoot(session, "source");
        await session.Manager(source, Key, EmulatorSession.SmallPieces).SaveAsync();
        var root = Path.Combine(session.Temp.Path, "root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "existing.txt"), "keep me");
        var before = TreeSnapshot.Of(root);
        session.Emulator.Faults.CutDownloads(1000);

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() => session.Manager(root, Key, EmulatorSession.SmallPieces).RestoreAsync());
        session.Emulator.Faults.Clear();
        var later = await session.Manager(Path.Combine(session.Temp.Path, "later"), Key, EmulatorSession.SmallPieces).RestoreAsync();

        CollectionAssert.AreEquivalent(before.ToList(), TreeSnapshot.Of(root).ToList());
        // A cut connection says nothing about the stored bytes: the entry stays (the backend has a REST token here).
        Assert.AreEqual(0, session.Emulator.Stats.Get("rest.DELETE"), "nothing was deleted");
        Assert.IsTrue(later.Hit && later.Exact, "the entry is still there once the transport works");
    }

    [TestMethod]
    public async Task ALookupAnswered5xxForGoodFailsTheRestoreAndDeletesNothing()
    {
        await using var session = await EmulatorSession.StartAsync();
        await session.Manager(MakeRoot(session, "source"), Key, EmulatorSession.SmallPieces).SaveAsync();
        var root = Path.Combine(session.Temp.Path, "root");
        session.Emulator.Faults.FailTwirp([.. Enumerable.Repeat(new Atmos.Cache.Emulator.Faults.FaultPlan.InjectedStatus(503), 100)]);

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() => session.Manager(root, Key, EmulatorSession.SmallPieces).RestoreAsync());
        session.Emulator.Faults.Clear();
        var later = await session.Manager(Path.Combine(session.Temp.Path, "later"), Key, EmulatorSession.SmallPieces).RestoreAsync();

        Assert.AreEqual(0, session.Emulator.Stats.Get("rest.DELETE"), "nothing was deleted");
        Assert.IsTrue(later.Hit && later.Exact, "the entry is still there once the service answers");
    }

    [TestMethod]
    public async Task WithZstdConfiguredAStreamedRestoreFindsTheGzipEntryTheAtmosCliWrote()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = MakeRoot(session, "source");
        await session.Manager(source, Key, EmulatorSession.SmallPieces).SaveAsync();

        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);
        var zstd = new CacheManager(
            session.Backend(EmulatorSession.SmallPieces),
            session.Config(target, Key) with { Compression = Archiving.ArchiveCompression.Zstd },
            session.Logger);
        var hit = await zstd.RestoreAsync();
        var save = await zstd.SaveAsync();

        Assert.IsTrue(hit.Hit);
        Assert.AreEqual(Key, hit.MatchedKey);
        CollectionAssert.AreEquivalent(TreeSnapshot.Of(source).ToList(), TreeSnapshot.Of(target).ToList());
        Assert.IsTrue(save.Saved);
        Assert.IsFalse(save.Skipped, "the save writes the zstd entry");
    }

    private static string MakeRoot(EmulatorSession session, string name)
    {
        var root = Path.Combine(session.Temp.Path, name);
        Directory.CreateDirectory(Path.Combine(root, "toolchain", "bin"));
        File.WriteAllText(Path.Combine(root, "toolchain", "toolchain.lock.yaml"), $"tools: [{name}]\n");
        var tool = session.Temp.RandomFile(name + "-tool", 1_500_000, seed: name.Length);
        File.Move(tool, Path.Combine(root, "toolchain", "bin", "tool"));
        return root;
    }
}
