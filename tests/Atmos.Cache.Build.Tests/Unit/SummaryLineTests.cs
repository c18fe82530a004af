using Atmos.Cache.Build.Logging;
using Atmos.Cache.Operations;

namespace Atmos.Cache.Build.Tests.Unit;

[TestClass]
public sealed class SummaryLineTests
{
    [TestMethod]
    public void ExactHitNamesKeyKindSizeAndTime()
    {
        var line = SummaryLine.ForRestore(new RestoreResult { Key = "k1", Hit = true, Exact = true, MatchedKey = "k1", ArchiveBytes = 12_897_485, Elapsed = TimeSpan.FromMilliseconds(1420) });
        Assert.AreEqual("Atmos cache: restored 'k1' (exact hit, 12.3 MiB, 1.4 s)", line);
    }

    [TestMethod]
    public void PrefixHitNamesTheMatchedKeyAndTheWantedKey()
    {
        var line = SummaryLine.ForRestore(new RestoreResult { Key = "k-2", Hit = true, MatchedKey = "k-1", ArchiveBytes = 2048, Elapsed = TimeSpan.FromSeconds(2) });
        Assert.AreEqual("Atmos cache: restored 'k-1' for 'k-2' (prefix hit, 2.0 KiB, 2.0 s)", line);
    }

    [TestMethod]
    public void MissSaysMiss()
    {
        Assert.AreEqual("Atmos cache: miss for 'k' (0.3 s)", SummaryLine.ForRestore(new RestoreResult { Key = "k", Elapsed = TimeSpan.FromMilliseconds(300) }));
    }

    [TestMethod]
    public void SkippedRestoreSaysItWasAlreadyRestored()
    {
        var line = SummaryLine.ForRestore(new RestoreResult { Key = "k", Hit = true, Exact = true, Skipped = true });
        StringAssert.StartsWith(line, "Atmos cache: restore skipped for 'k': already restored");
        StringAssert.Contains(line, "exact hit");
    }

    [TestMethod]
    public void SaveAndSkippedSave()
    {
        Assert.AreEqual("Atmos cache: saved 'k' (1.0 GiB, 61.0 s)", SummaryLine.ForSave(new SaveResult { Key = "k", Saved = true, ArchiveBytes = 1L << 30, Elapsed = TimeSpan.FromSeconds(61) }));
        Assert.AreEqual($"Atmos cache: save skipped for 'k': {SkipReasons.ExactHit}", SummaryLine.ForSave(new SaveResult { Key = "k", Skipped = true, Reason = SkipReasons.ExactHit }));
    }
}
