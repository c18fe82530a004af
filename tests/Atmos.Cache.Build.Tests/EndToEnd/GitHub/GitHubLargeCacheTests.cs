using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Emulator;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Build.Tests.EndToEnd.GitHub;

/// <summary>
/// A cache far above the 32 MiB single-shot limit, of random (incompressible) bytes so gzip cannot
/// shrink it: the save must go up as staged blocks and the restore come down as ranged GETs, and
/// every byte must come back.
/// </summary>
[TestClass]
public sealed class GitHubLargeCacheTests
{
    private const long CacheBytes = 300L * 1024 * 1024;
    private const long DefaultPieceBytes = 16L * 1024 * 1024;

    [TestMethod]
    public async Task A300MegabyteCacheGoesUpInBlocksAndComesBackInRangesByteForByte()
    {
        using var workspace = await GitHubWorkspace.CreateAsync("Big");
        await using var session = await EmulatorSession.StartAsync();
        var environment = GitHubWorkspace.RunnerEnvironment(session);
        const string lockfile = "tools:\n  big: 1.0.0\n";
        var first = workspace.NewRoot("big-save");
        GitHubWorkspace.WriteLockfile(first, lockfile);
        // Two files, so the archive holds more than one large entry.
        var blobs = new[] { Path.Combine(first, "tools", "big", "part-a.bin"), Path.Combine(first, "tools", "big", "part-b.bin") };
        TempFolder.WriteRandom(blobs[0], CacheBytes * 2 / 3, seed: 11);
        TempFolder.WriteRandom(blobs[1], CacheBytes / 3, seed: 12);
        var saved = TreeSnapshot.Of(first);

        var save = await workspace.BuildAsync("Big/Big.csproj", first, environment);
        save.AssertSucceeded("saving build");
        Assert.AreEqual(1, save.Count($"Atmos cache [atmos]: saved '{GitHubWorkspace.DefaultKey(lockfile)}'"), save.Tail());
        BuildOutput.AssertNoCacheWarning(save, "saving build");
        var stats = session.Emulator.Stats;
        var archiveBytes = session.Emulator.Store.Finalized().Single().SizeBytes;
        Assert.IsTrue(archiveBytes >= CacheBytes, $"random data does not compress: archive {archiveBytes} bytes");
        var pieces = (int)((archiveBytes + DefaultPieceBytes - 1) / DefaultPieceBytes);
        Assert.AreEqual(0, stats.Get(EmulatorStats.PutBlob), "no single-shot upload");
        Assert.AreEqual(pieces, stats.Get(EmulatorStats.PutBlock), "one Put Block per 16 MiB block");
        Assert.AreEqual(1, stats.Get(EmulatorStats.PutBlockList));

        var second = workspace.NewRoot("big-restore");
        GitHubWorkspace.WriteLockfile(second, lockfile);
        var restore = await workspace.BuildAsync("Big/Big.csproj", second, environment);
        restore.AssertSucceeded("restoring build");
        Assert.AreEqual(1, Summaries.ExactHits(restore), restore.Tail());
        BuildOutput.AssertNoCacheWarning(restore, "restoring build");
        Assert.AreEqual(pieces + 1, stats.Get(EmulatorStats.RangedGet), "one ranged GET per 16 MiB range, and one for the archive's tail, fetched first");
        Assert.AreEqual(0, stats.Get(EmulatorStats.WholeGet));
        Assert.IsTrue(restore.Count("Downloading cache archive: 100%") > 0, "progress is reported: " + restore.Tail());

        // The saving build added its marker after the snapshot; the restore brought it too.
        var restored = TreeSnapshot.Of(second).Where(line => !line.StartsWith("markers/", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(saved.ToArray(), restored, "restored byte for byte");
    }
}
