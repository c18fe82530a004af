using Atmos.Cache.Keys.Globbing;

namespace Atmos.Cache.Tests.Keys;

/// <summary>Element matching with the semantics documented for Go's filepath.Match.</summary>
[TestClass]
public sealed class GlobPatternTests
{
    [TestMethod]
    [DataRow("*", ".hidden", true)]
    [DataRow("*", "", true)]
    [DataRow("*.lock", "a.lock", true)]
    [DataRow("*.lock", "a.lock.bak", false)]
    [DataRow("a*b*c", "axxbyyc", true)]
    [DataRow("a*b*c", "axxbyy", false)]
    [DataRow("a*b", "ab", true)]
    [DataRow("*x", "xxx", true)]
    [DataRow("a?c", "abc", true)]
    [DataRow("a?c", "ac", false)]
    [DataRow("a?c", "abbc", false)]
    [DataRow("?", "\u00e9", true)]
    [DataRow("[a-c]x", "bx", true)]
    [DataRow("[a-c]x", "dx", false)]
    [DataRow("[^a-c]x", "bx", false)]
    [DataRow("[^a-c]x", "dx", true)]
    [DataRow("[abc]", "c", true)]
    [DataRow("[abc]", "d", false)]
    [DataRow("[\u03b1-\u03c9]", "\u03b2", true)]
    [DataRow("[a-cx-z]", "y", true)]
    [DataRow("abc", "ABC", false)]
    public void MatchesLikeGo(string pattern, string name, bool expected)
    {
        var parsed = GlobPattern.TryParse(pattern);
        Assert.IsNotNull(parsed, $"'{pattern}' should be a valid pattern");
        Assert.AreEqual(expected, parsed.Matches(name), $"'{pattern}' against '{name}'");
    }

    [TestMethod]
    [DataRow("[")]
    [DataRow("[]")]
    [DataRow("[^]")]
    [DataRow("[]a]")]
    [DataRow("[-]")]
    [DataRow("[a-]")]
    [DataRow("[a-")]
    [DataRow("[abc")]
    [DataRow("ok*[x")]
    public void MalformedPatternsAreRejected(string pattern) =>
        Assert.IsNull(GlobPattern.TryParse(pattern), $"'{pattern}' should be malformed");

    [TestMethod]
    public void BackslashEscapesOnUnixOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.IsFalse(GlobPattern.HasMeta(@"a\b"));
            return;
        }

        Assert.IsTrue(GlobPattern.HasMeta(@"a\b"));
        Assert.IsTrue(GlobPattern.TryParse(@"\*")!.Matches("*"));
        Assert.IsFalse(GlobPattern.TryParse(@"\*")!.Matches("a"));
        Assert.IsTrue(GlobPattern.TryParse(@"[\-]")!.Matches("-"));
        Assert.IsTrue(GlobPattern.TryParse(@"[\]]")!.Matches("]"));
        Assert.IsNull(GlobPattern.TryParse(@"a\"));
    }

    [TestMethod]
    public void StarAndQuestionMarkDoNotMatchTheSeparator()
    {
        Assert.IsFalse(GlobPattern.TryParse("a*")!.Matches("a/b"));
        Assert.IsFalse(GlobPattern.TryParse("a?b")!.Matches("a/b"));
    }

    [TestMethod]
    [DataRow("plain.txt", false)]
    [DataRow("a*", true)]
    [DataRow("a?", true)]
    [DataRow("a[b]", true)]
    public void HasMetaDetectsPatternCharacters(string path, bool expected) =>
        Assert.AreEqual(expected, GlobPattern.HasMeta(path));
}
