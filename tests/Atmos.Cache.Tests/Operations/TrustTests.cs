using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Integrity;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.State;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Operations;

/// <summary>
/// The manager over the local store: corrupt entries are refused and removed so the save writes the
/// key again; with a signing key, untrusted entries are misses and the next restore key is tried;
/// read-only and lookup-only restores and saves do what they say.
/// </summary>
[TestClass]
public sealed class TrustTests
{
    private const string Key = "app-linux-3";
    private static readonly EntrySigner TeamSigner = new("team-secret");

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Cancel => TestContext.CancellationToken;

    private readonly SteppingTimeProvider _clock = new();

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip, "data")]
    [DataRow(ArchiveCompression.Gzip, "digest")]
    [DataRow(ArchiveCompression.Zstd, "data")]
    [DataRow(ArchiveCompression.Zstd, "digest")]
    public async Task BytesFlippedInAStoredEntryAreRefusedTheRootIsUnchangedAndTheEntryIsRemovedSoTheSaveWritesItAgain(ArchiveCompression compression, string where)
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp, Key) with { Compression = compression };
        await SaveTreeAsync(config, temp.Combine("first-job"));
        FlipStoredByte(config, where);
        SampleTree.Write(config.Root, "existing.txt", "before", 0b110_100_100, new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var before = TreeListing.OfContent(config.Root);
        var manager = ManagerFor(config);

        var error = await Assert.ThrowsExactlyAsync<CacheIntegrityException>(() => manager.RestoreAsync(Cancel));
        var afterRefusal = TreeListing.OfContent(config.Root);
        var save = await manager.SaveAsync(Cancel);

        Assert.AreEqual(Key, error.Key);
        StringAssert.Contains(error.Message, "corrupt");
        StringAssert.Contains(error.Message, "removed from the local store");
        TreeListing.AssertSame(before, afterRefusal);
        Assert.IsTrue(save.Saved);
        Assert.IsFalse(save.Skipped, $"the healed key is written again, not '{save.Reason}'");
        var fresh = config with { Root = temp.Combine("next-build") };
        var restored = await ManagerFor(fresh).RestoreAsync(Cancel);
        Assert.IsTrue(restored.Exact);
        TreeListing.AssertSame(before, TreeListing.OfContent(fresh.Root));
    }

    [TestMethod]
    public async Task AnUnsignedEntryWithASigningKeyIsAMissForItsKeyAndTheNextRestoreKeyIsUsed()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp, Key, "app-linux-", "app-") with { Signer = TeamSigner };
        var signedTree = temp.Combine("signed-tree");
        await SaveTreeAsync(config with { Key = "app-mac-1" }, signedTree);
        await SaveTreeAsync(config with { Key = "app-linux-2", Signer = null }, temp.Combine("unsigned-tree"));

        var restored = await ManagerFor(config).RestoreAsync(Cancel);

        Assert.IsTrue(restored.Hit);
        Assert.AreEqual("app-mac-1", restored.MatchedKey);
        Assert.HasCount(1, restored.Rejected);
        Assert.AreEqual("app-linux-2", restored.Rejected[0].Key);
        StringAssert.Contains(restored.Rejected[0].Message, "'app-linux-2' is not signed");
        TreeListing.AssertSame(TreeListing.OfContent(signedTree), TreeListing.OfContent(config.Root));
        Assert.IsFalse((await ManagerFor(config).ListAsync("app-linux-", Cancel)).Any(), "the untrusted entry was removed");
    }

    [TestMethod]
    public async Task AnEntrySignedWithAnotherSecretIsAMissAndTheSaveWritesASignedOne()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp, Key) with { Signer = TeamSigner };
        await SaveTreeAsync(config with { Signer = new EntrySigner("attacker-secret") }, temp.Combine("planted"));
        Directory.CreateDirectory(config.Root);
        SampleTree.Write(config.Root, "mine.txt", "own build output", 0b110_100_100, DateTime.UtcNow);
        var manager = ManagerFor(config);

        var restored = await manager.RestoreAsync(Cancel);
        var save = await manager.SaveAsync(Cancel);

        Assert.IsFalse(restored.Hit);
        Assert.AreEqual(Key, restored.Rejected.Single().Key);
        StringAssert.Contains(restored.Rejected.Single().Message, "signed with another key");
        Assert.IsFalse(File.Exists(Path.Combine(config.Root, "bin", "tool")), "nothing of the planted entry reached the root");
        Assert.AreEqual(RestoredFrom.Miss, new StateMarker(config.Root).Get(Key)!.RestoredFrom);
        Assert.IsTrue(save.Saved);
        Assert.IsFalse(save.Skipped, $"the planted entry was removed, so the key is written again, not '{save.Reason}'");
        var next = await ManagerFor(config with { Root = temp.Combine("next") }).RestoreAsync(Cancel);
        Assert.IsTrue(next.Exact, "the entry written with the team's secret verifies");
    }

    [TestMethod]
    public async Task VerifyWhenSignedAcceptsUnsignedEntriesButStillRefusesWrongSignatures()
    {
        using var temp = new TempFolder();
        var relaxed = TestConfigs.For(temp, Key) with { Signer = TeamSigner, RequireSignature = false };
        await SaveTreeAsync(relaxed with { Signer = null }, temp.Combine("unsigned"));
        await SaveTreeAsync(relaxed with { Key = "other", Signer = new EntrySigner("attacker-secret") }, temp.Combine("planted"));

        var unsigned = await ManagerFor(relaxed).RestoreAsync(Cancel);
        var wronglySigned = await ManagerFor(relaxed with { Key = "other", Root = temp.Combine("other-root") }).RestoreAsync(Cancel);

        Assert.IsTrue(unsigned.Exact);
        Assert.IsEmpty(unsigned.Rejected);
        Assert.IsFalse(wronglySigned.Hit);
        Assert.AreEqual("other", wronglySigned.Rejected.Single().Key);
    }

    [TestMethod]
    public async Task ReadOnlyRestoresButNeverSaves()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp, Key, "app-");
        await SaveTreeAsync(config with { Key = "app-old" }, temp.Combine("old"));
        var readOnly = config with { ReadOnly = true };

        var restored = await ManagerFor(readOnly).RestoreAsync(Cancel);
        var save = await ManagerFor(readOnly).SaveAsync(Cancel);

        Assert.AreEqual("app-old", restored.MatchedKey);
        Assert.IsTrue(save.Skipped);
        Assert.IsFalse(save.Saved);
        StringAssert.Contains(save.Reason, "read-only");
        Assert.AreEqual("app-old", (await ManagerFor(config).ListAsync("", Cancel)).Single().Key);
    }

    [TestMethod]
    public async Task LookupOnlyReportsTheMatchAndLeavesTheRootAndStateAlone()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp, Key, "app-") with { LookupOnly = true };
        await SaveTreeAsync(config with { Key = "app-old", LookupOnly = false }, temp.Combine("old"));

        var prefix = await ManagerFor(config).RestoreAsync(Cancel);
        var miss = await ManagerFor(config with { Key = "zzz", RestoreKeys = [] }).RestoreAsync(Cancel);

        Assert.IsTrue(prefix.LookupOnly);
        Assert.IsTrue(prefix.Hit);
        Assert.IsFalse(prefix.Exact);
        Assert.AreEqual("app-old", prefix.MatchedKey);
        Assert.AreEqual(0L, prefix.ArchiveBytes);
        Assert.IsFalse(miss.Hit);
        Assert.IsFalse(Directory.Exists(config.Root), "nothing was restored (not even the state marker)");
    }

    /// <summary>Saves the sample tree (written into <paramref name="tree"/>) under the config's key and signer.</summary>
    private async Task SaveTreeAsync(CacheConfig config, string tree)
    {
        SampleTree.Create(tree);
        SampleTree.Write(tree, "variant.txt", config.Key, 0b110_100_100, new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        var result = await ManagerFor(config with { Root = tree, ReadOnly = false }).SaveAsync(Cancel);
        Assert.IsFalse(result.Skipped, result.Reason);
    }

    /// <summary>Flips one byte of the stored archive: in its compressed data, or in the digest its trailer carries.</summary>
    private static void FlipStoredByte(CacheConfig config, string where)
    {
        var archive = Directory.GetFiles(config.LocalDirectory, "archive", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(archive);
        long offset;
        using (var stream = new MemoryStream(bytes))
        {
            var trailer = ArchiveTrailer.Read(stream, config.Compression)!;
            offset = where == "data" ? trailer.DataLength / 2 : IndexOfDigest(bytes, trailer);
        }

        bytes[offset] ^= 0x5a;
        File.WriteAllBytes(archive, bytes);
    }

    private static long IndexOfDigest(byte[] archive, ArchiveTrailer trailer)
    {
        var digest = trailer.Find(TrailerTag.StoredDigest)!.Value.ToArray();
        var index = archive.AsSpan((int)trailer.DataLength).IndexOf(digest);
        Assert.IsGreaterThanOrEqualTo(0, index);
        return trailer.DataLength + index + 5;
    }

    private CacheManager ManagerFor(CacheConfig config) => new(new LocalBackend(config.LocalDirectory, _clock), config);
}
