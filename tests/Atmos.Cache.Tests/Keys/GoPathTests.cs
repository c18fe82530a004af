using Atmos.Cache.Keys.Globbing;

namespace Atmos.Cache.Tests.Keys;

[TestClass]
public sealed class GoPathTests
{
    [TestMethod]
    [DataRow("/a/./b/../c//", "/a/c")]
    [DataRow("/../a", "/a")]
    [DataRow("a/../../b", "../b")]
    [DataRow("", ".")]
    [DataRow("./", ".")]
    [DataRow("/", "/")]
    public void CleanIsLexicalLikeGoOnUnix(string path, string expected)
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix path forms.");
        }

        Assert.AreEqual(expected, GoPath.Clean(path));
    }

    [TestMethod]
    public void SplitKeepsTheTrailingSeparatorOnTheFolder()
    {
        var sep = Path.DirectorySeparatorChar;
        Assert.AreEqual(($"a{sep}b{sep}", "c*"), GoPath.Split($"a{sep}b{sep}c*"));
        Assert.AreEqual(("", "c"), GoPath.Split("c"));
    }

    [TestMethod]
    public void UtfEightOrderPutsSupplementaryCharactersLast()
    {
        // U+FFFD is EF BF BD in UTF-8, U+1F600 is F0 9F 98 80: Go sorts U+FFFD first; UTF-16 ordinal would not.
        var bmp = "\uFFFD";
        var emoji = "\U0001F600";
        Assert.IsTrue(string.CompareOrdinal(bmp, emoji) > 0, "precondition: UTF-16 order differs");
        Assert.IsTrue(Utf8OrdinalComparer.Instance.Compare(bmp, emoji) < 0);
        Assert.IsTrue(Utf8OrdinalComparer.Instance.Compare("a/b", "a-c") > 0);
        Assert.AreEqual(0, Utf8OrdinalComparer.Instance.Compare("same", "same"));
    }
}
