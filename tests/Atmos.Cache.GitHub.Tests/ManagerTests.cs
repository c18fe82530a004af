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
    public async Task Miss_then_save_then_exact_hit_restores_identical_content()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = MakeRoot(session, "source");
        var sourceFiles = Snapshot(source);

        var first = Manager(session, source, Key);
        var miss = await first.RestoreAsync();
        var saved = await first.SaveAsync();

        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);
        var second = Manager(session, target, Key);
        var hit = await second.RestoreAsync();
        var resave = await second.SaveAsync();

        Assert.IsFalse(miss.Hit);
        Assert.IsTrue(saved.Saved);
        Assert.IsFalse(saved.Skipped);
        Assert.IsTrue(hit.Hit);
        Assert.IsTrue(hit.Exact);
        Assert.AreEqual(Key, hit.MatchedKey);
        CollectionAssert.AreEquivalent(sourceFiles.ToList(), Snapshot(target).ToList());
        Assert.AreEqual(SkipReasons.ExactHit, resave.Reason);
    }

    [TestMethod]
    public async Task A_new_key_restores_the_newest_prefix_match_and_a_second_writer_finds_it_exists()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = MakeRoot(session, "source");
        await Manager(session, source, Key).SaveAsync();

        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);
        var next = Manager(session, target, RestorePrefix + "fedcba9876543210", [RestorePrefix]);
        var prefixHit = await next.RestoreAsync();
        var other = MakeRoot(session, "other");
        var duplicate = await Manager(session, other, Key).SaveAsync();

        Assert.IsTrue(prefixHit.Hit);
        Assert.IsFalse(prefixHit.Exact);
        Assert.AreEqual(Key, prefixHit.MatchedKey);
        CollectionAssert.AreEquivalent(Snapshot(source).ToList(), Snapshot(target).ToList());
        Assert.IsTrue(duplicate.Saved);
        Assert.AreEqual(SkipReasons.AlreadyExists, duplicate.Reason);
    }

    [TestMethod]
    public async Task A_service_down_for_good_fails_the_restore_and_leaves_the_root_unchanged()
    {
        await using var session = await EmulatorSession.StartAsync();
        var root = MakeRoot(session, "root");
        var before = Snapshot(root);
        session.Emulator.Faults.Down = true;

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Manager(session, root, Key).RestoreAsync());

        CollectionAssert.AreEquivalent(before.ToList(), Snapshot(root).ToList());
    }

    [TestMethod]
    public async Task A_download_cut_short_for_good_fails_the_restore_and_leaves_the_root_unchanged()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = MakeRoot(session, "source");
        await Manager(session, source, Key).SaveAsync();
        var root = Path.Combine(session.Temp.Path, "root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "existing.txt"), "keep me");
        var before = Snapshot(root);
        session.Emulator.Faults.CutDownloads(1000);

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Manager(session, root, Key).RestoreAsync());

        CollectionAssert.AreEquivalent(before.ToList(), Snapshot(root).ToList());
    }

    [TestMethod]
    public async Task With_zstd_configured_a_streamed_restore_finds_the_gzip_entry_the_Atmos_CLI_wrote()
    {
        await using var session = await EmulatorSession.StartAsync();
        var source = MakeRoot(session, "source");
        await Manager(session, source, Key).SaveAsync();

        var target = Path.Combine(session.Temp.Path, "target");
        Directory.CreateDirectory(target);
        var zstd = Manager(session, target, Key, compression: Archiving.ArchiveCompression.Zstd);
        var hit = await zstd.RestoreAsync();
        var save = await zstd.SaveAsync();

        Assert.IsTrue(hit.Hit);
        Assert.AreEqual(Key, hit.MatchedKey);
        CollectionAssert.AreEquivalent(Snapshot(source).ToList(), Snapshot(target).ToList());
        Assert.IsTrue(save.Saved);
        Assert.IsFalse(save.Skipped, "the save writes the zstd entry");
    }

    private static CacheManager Manager(
        EmulatorSession session, string root, string key, IReadOnlyList<string>? restoreKeys = null,
        Archiving.ArchiveCompression compression = Archiving.ArchiveCompression.Gzip)
    {
        var config = new CacheConfig
        {
            Root = root,
            Key = key,
            RestoreKeys = restoreKeys ?? [],
            Backend = BackendNames.GitHubActions,
            LocalDirectory = Path.Combine(session.Temp.Path, "unused-local-store"),
            WorkingDirectory = session.Temp.Path,
            Compression = compression,
        };
        return new CacheManager(session.Backend(EmulatorSession.SmallPieces), config, session.Logger);
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

    /// <summary>Relative path and SHA-256 of every file in the root, the state folder excluded.</summary>
    private static IEnumerable<string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith(CachePaths.StateFolder + "/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(relative => $"{relative} {TempFolder.Sha256(Path.Combine(root, relative))}");
}
