using Atmos.Cache.Build.Logging;
using Atmos.Cache.Configuration;
using Atmos.Cache.Operations;

namespace Atmos.Cache.Build.Tests.Unit;

[TestClass]
public sealed class SummaryLineTests
{
    private static readonly string Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static CacheConfig Cache(string name, string root) => new()
    {
        Name = name,
        Root = root,
        Key = "k",
        LocalDirectory = root + "-store",
        WorkingDirectory = root,
    };

    [TestMethod]
    public void ExactHitNamesTheCacheKeyRootContentArchiveAndTime()
    {
        var nuget = Cache("nuget", Path.Combine(Home, ".nuget", "packages"));
        var line = SummaryLine.ForRestore(new RestoreResult
        {
            Key = "nuget-linux-x64-0123456789abcdef", Hit = true, Exact = true, MatchedKey = "nuget-linux-x64-0123456789abcdef",
            ArchiveBytes = 82_522_931, ContentBytes = 196_399_923, Files = 4321, Elapsed = TimeSpan.FromMilliseconds(2140),
        }, nuget);
        Assert.AreEqual(
            $"Atmos cache [nuget]: restored 'nuget-linux-x64-0123456789abcdef' (exact hit) into ~{Path.DirectorySeparatorChar}.nuget{Path.DirectorySeparatorChar}packages: 187.3 MiB in 4,321 files from a 78.7 MiB archive, 2.1 s",
            line);
    }

    [TestMethod]
    public void PrefixHitNamesTheMatchedKeyAndTheWantedKey()
    {
        var line = SummaryLine.ForRestore(new RestoreResult { Key = "k-2", Hit = true, MatchedKey = "k-1", ArchiveBytes = 2048, ContentBytes = 4096, Files = 1, Elapsed = TimeSpan.FromSeconds(2) }, Cache("atmos", "/ci/root"));
        Assert.AreEqual("Atmos cache [atmos]: restored 'k-1' for 'k-2' (prefix hit) into /ci/root: 4.0 KiB in 1 file from a 2.0 KiB archive, 2.0 s", line);
    }

    [TestMethod]
    public void MissSaysMissAndWhere()
    {
        Assert.AreEqual("Atmos cache [tools]: miss for 'k': nothing restored into /ci/tools (0.3 s)",
            SummaryLine.ForRestore(new RestoreResult { Key = "k", Elapsed = TimeSpan.FromMilliseconds(300) }, Cache("tools", "/ci/tools")));
    }

    [TestMethod]
    public void SkippedRestoreSaysItWasAlreadyRestored()
    {
        var line = SummaryLine.ForRestore(new RestoreResult { Key = "k", Hit = true, Exact = true, Skipped = true, Reason = SkipReasons.AlreadyRestored }, Cache("atmos", "/ci/root"));
        StringAssert.StartsWith(line, "Atmos cache [atmos]: restore skipped for 'k': already restored into /ci/root");
        StringAssert.Contains(line, "exact hit");
    }

    [TestMethod]
    public void SaveTellsContentFromArchiveAndSkippedSaveSaysWhy()
    {
        var root = Cache("atmos", "/ci/root");
        Assert.AreEqual("Atmos cache [atmos]: saved 'k' from /ci/root: 3.0 GiB in 12,000 files as a 1.0 GiB archive, 61.0 s (3 packages)",
            SummaryLine.ForSave(new SaveResult { Key = "k", Saved = true, ArchiveBytes = 1L << 30, ContentBytes = 3L << 30, Files = 12_000, Elapsed = TimeSpan.FromSeconds(61) }, root, "3 packages"));
        Assert.AreEqual($"Atmos cache [atmos]: save skipped for 'k': {SkipReasons.ExactHit}",
            SummaryLine.ForSave(new SaveResult { Key = "k", Skipped = true, Reason = SkipReasons.ExactHit }, root));
    }
}
