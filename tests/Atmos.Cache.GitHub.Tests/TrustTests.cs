using Atmos.Cache.Archiving.Integrity;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Emulator;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Testing;

namespace Atmos.Cache.GitHub.Tests;

/// <summary>
/// Trust over the GitHub backend, the emulator and Azurite: a corrupt stored entry is refused and
/// deleted (or the warning names the command), untrusted entries are misses, writes the service
/// denies end the save quietly, lookup-only downloads nothing, and ACTIONS_CACHE_MODE is honoured.
/// </summary>
[TestClass]
public sealed class TrustTests
{
    private const string Key = "atmos-cache-linux-amd64-0123456789abcdef";
    private const string Prefix = "atmos-cache-linux-amd64-";

    [TestMethod]
    public async Task BytesFlippedInTheStoredBlobAreRefusedTheEntryIsDeletedAndTheSaveWritesItAgain()
    {
        await using var session = await EmulatorSession.StartAsync();
        await Manager(session, MakeRoot(session, "first-job"), Key).SaveAsync();
        await session.Emulator.ChangeStoredEntryAsync(Key, EmulatorSession.GzipVersion, bytes => bytes[bytes.Length / 2] ^= 0x5a);
        var root = MakeRoot(session, "second-job");
        var before = TreeSnapshot.Of(root);
        var manager = Manager(session, root, Key);

        var error = await Assert.ThrowsExactlyAsync<CacheIntegrityException>(() => manager.RestoreAsync());
        var afterRefusal = TreeSnapshot.Of(root);
        var stored = session.Emulator.Store.Finalized().Count(r => r.Key == Key);
        var save = await manager.SaveAsync();

        Assert.AreEqual(Key, error.Key);
        StringAssert.Contains(error.Message, "deleted from the GitHub Actions cache");
        CollectionAssert.AreEqual(before.ToList(), afterRefusal.ToList());
        Assert.AreEqual(0, stored, "the corrupt entry was deleted through the REST API");
        Assert.IsTrue(save.Saved);
        Assert.IsFalse(save.Skipped, $"the healed key is written again, not '{save.Reason}'");
        var next = Path.Combine(session.Temp.Path, "next-build");
        Directory.CreateDirectory(next);
        Assert.IsTrue((await Manager(session, next, Key).RestoreAsync()).Exact);
        CollectionAssert.AreEquivalent(before.ToList(), TreeSnapshot.Of(next).ToList());
    }

    [TestMethod]
    public async Task AFlippedDigestWithoutARestTokenIsRefusedAndTheWarningGivesTheDeleteCommand()
    {
        await using var session = await EmulatorSession.StartAsync();
        await Manager(session, MakeRoot(session, "first-job"), Key).SaveAsync();
        await session.Emulator.ChangeStoredEntryAsync(Key, EmulatorSession.GzipVersion, FlipDigest);
        var root = MakeRoot(session, "second-job");
        var before = TreeSnapshot.Of(root);
        var backend = new GitHubActionsBackend(session.Settings(EmulatorSession.SmallPieces) with { RestToken = null }, session.Logger);

        var error = await Assert.ThrowsExactlyAsync<CacheIntegrityException>(() => new CacheManager(backend, session.Config(root, Key), session.Logger).RestoreAsync());

        StringAssert.Contains(error.Message, "digest");
        StringAssert.Contains(error.Message, $"gh cache delete '{Key}' --repo {session.Emulator.Options.Repository}");
        CollectionAssert.AreEqual(before.ToList(), TreeSnapshot.Of(root).ToList());
        Assert.AreEqual(1, session.Emulator.Store.Finalized().Count(r => r.Key == Key), "without a token the entry stays");
    }

    [TestMethod]
    public async Task AnUnsignedEntryWithASigningKeyIsAMissAndTheNextRestoreKeyIsUsed()
    {
        await using var session = await EmulatorSession.StartAsync();
        var signer = new EntrySigner("team-secret");
        var signedRoot = MakeRoot(session, "signed");
        await Manager(session, signedRoot, "atmos-cache-other-1", signer: signer).SaveAsync();
        await Manager(session, MakeRoot(session, "unsigned"), Prefix + "old").SaveAsync();
        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);

        var restored = await Manager(session, target, Key, [Prefix, "atmos-cache-"], signer).RestoreAsync();

        Assert.AreEqual("atmos-cache-other-1", restored.MatchedKey);
        Assert.AreEqual(Prefix + "old", restored.Rejected.Single().Key);
        StringAssert.Contains(restored.Rejected.Single().Message, "not signed");
        CollectionAssert.AreEquivalent(TreeSnapshot.Of(signedRoot).ToList(), TreeSnapshot.Of(target).ToList());
    }

    [TestMethod]
    public async Task AnEntrySignedWithAnotherSecretIsAMiss()
    {
        await using var session = await EmulatorSession.StartAsync();
        await Manager(session, MakeRoot(session, "planted"), Key, signer: new EntrySigner("attacker-secret")).SaveAsync();
        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);

        var restored = await Manager(session, target, Key, signer: new EntrySigner("team-secret")).RestoreAsync();

        Assert.IsFalse(restored.Hit);
        Assert.AreEqual(Key, restored.Rejected.Single().Key);
        Assert.IsFalse(TreeSnapshot.Of(target).Any(), "nothing of the planted entry reached the root");
    }

    [TestMethod]
    public async Task AWriteDeniedRefusalEndsTheSaveWithoutWarningOrRetry()
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.DenyWrites = true;

        var save = await Manager(session, MakeRoot(session, "root"), Key).SaveAsync();

        Assert.IsFalse(save.Saved);
        Assert.IsTrue(save.Skipped);
        StringAssert.StartsWith(save.Reason, SkipReasons.WriteDenied);
        StringAssert.Contains(save.Reason, "cache write denied:");
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.Twirp("CreateCacheEntry")), "no retry");
        Assert.IsEmpty(session.Delays.Delays);
        Assert.IsFalse(session.Logger.Lines.Any(line => line.Level == CacheLogLevel.Warning));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.PutBlob) + session.Emulator.Stats.Get(EmulatorStats.PutBlock));
    }

    [TestMethod]
    public async Task AWriteDeniedAtFinalizeAlsoEndsTheSaveWithoutWarningOrRetry()
    {
        await using var session = await EmulatorSession.StartAsync();
        session.Emulator.Faults.DenyFinalize = true;

        var save = await Manager(session, MakeRoot(session, "root"), Key).SaveAsync();

        Assert.IsTrue(save.Skipped);
        StringAssert.Contains(save.Reason, "cache write denied:");
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.Twirp("FinalizeCacheEntryUpload")), "no retry");
        Assert.IsEmpty(session.Delays.Delays);
        Assert.IsFalse(session.Logger.Lines.Any(line => line.Level == CacheLogLevel.Warning));
        Assert.IsEmpty(session.Emulator.Store.Finalized(), "nothing became visible");
    }

    [TestMethod]
    public async Task LookupOnlyReportsTheMatchAndDownloadsNoByte()
    {
        await using var session = await EmulatorSession.StartAsync();
        await Manager(session, MakeRoot(session, "source"), Prefix + "old").SaveAsync();
        session.Emulator.Stats.Reset();
        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);

        var found = await new CacheManager(session.Backend(), session.Config(target, Key, [Prefix]) with { LookupOnly = true }, session.Logger).RestoreAsync();

        Assert.IsTrue(found.LookupOnly);
        Assert.IsTrue(found.Hit);
        Assert.IsFalse(found.Exact);
        Assert.AreEqual(Prefix + "old", found.MatchedKey);
        Assert.AreEqual(1, session.Emulator.Stats.Get(EmulatorStats.Twirp("GetCacheEntryDownloadURL")));
        Assert.AreEqual(0, session.Emulator.Stats.Get(EmulatorStats.RangedGet) + session.Emulator.Stats.Get(EmulatorStats.WholeGet) + session.Emulator.Stats.Get(EmulatorStats.Head));
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(target).Any());
    }

    [TestMethod]
    [DataRow("none", false, false)]
    [DataRow("read", true, false)]
    [DataRow("write-only", false, true)]
    [DataRow("write", true, true)]
    public async Task ActionsCacheModeDecidesWhichCallsReachTheService(string mode, bool restores, bool saves)
    {
        await using var session = await EmulatorSession.StartAsync();
        var serviceMode = ServiceModes.FromEnvironment(session.Environment(variables => variables["ACTIONS_CACHE_MODE"] = mode));
        var manager = new CacheManager(session.Backend(), session.Config(MakeRoot(session, "root"), Key) with { ServiceMode = serviceMode }, session.Logger);

        var restore = await manager.RestoreAsync();
        var save = await manager.SaveAsync();

        Assert.AreEqual(restores ? 1 : 0, session.Emulator.Stats.Get(EmulatorStats.Twirp("GetCacheEntryDownloadURL")));
        Assert.AreEqual(saves ? 1 : 0, session.Emulator.Stats.Get(EmulatorStats.Twirp("CreateCacheEntry")));
        Assert.AreEqual(saves, save.Saved);
        Assert.AreEqual(!restores, restore.Skipped);
        if (mode == "none")
        {
            Assert.IsEmpty(session.Emulator.Stats.Snapshot(), "no cache traffic at all");
        }
    }

    /// <summary>Flips a byte of the SHA-256 the archive's trailer carries (its data stays valid gzip).</summary>
    private static void FlipDigest(byte[] archive)
    {
        using var stream = new MemoryStream(archive);
        var trailer = ArchiveTrailer.Read(stream, Archiving.ArchiveCompression.Gzip)!;
        var digest = trailer.Find(TrailerTag.StoredDigest)!.Value.ToArray();
        var index = archive.AsSpan((int)trailer.DataLength).IndexOf(digest);
        Assert.IsGreaterThanOrEqualTo(0, index);
        archive[trailer.DataLength + index + 7] ^= 0x5a;
    }

    private static CacheManager Manager(EmulatorSession session, string root, string key, IReadOnlyList<string>? restoreKeys = null, EntrySigner? signer = null) =>
        new(session.Backend(EmulatorSession.SmallPieces), session.Config(root, key, restoreKeys) with { Signer = signer }, session.Logger);

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
