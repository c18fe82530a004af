using Atmos.Cache.Keys;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Keys;

/// <summary>hashFiles through the template, against hashes computed independently (base name + bytes, sorted).</summary>
[TestClass]
public sealed class HashFilesTests
{
    private readonly TempFolder _dir = new();

    [TestCleanup]
    public void Cleanup() => _dir.Dispose();

    private string HashFiles(params string[] patterns) => Render(recursiveDoubleStar: false, patterns);

    // MSBuild properties (read only by this package) may use a recursive "**".
    private string HashFilesRecursive(params string[] patterns) => Render(recursiveDoubleStar: true, patterns);

    private string Render(bool recursiveDoubleStar, string[] patterns) =>
        KeyTemplate.Render("{{ hashFiles " + string.Join(' ', patterns.Select(p => "`" + p + "`")) + " }}", _dir.Path, recursiveDoubleStar);

    [TestMethod]
    public void SingleFileIsHashedByNameAndContent()
    {
        var file = _dir.WriteFile("toolchain.lock.yaml", "tools: {}");
        Assert.AreEqual(KeyExpectations.HashOf(file), HashFiles("toolchain.lock.yaml"));
    }

    [TestMethod]
    public void ContentChangeChangesTheHash()
    {
        _dir.WriteFile("a.lock", "v1");
        var before = HashFiles("a.lock");
        _dir.WriteFile("a.lock", "v2");
        Assert.AreNotEqual(before, HashFiles("a.lock"));
    }

    [TestMethod]
    public void StarMatchesHiddenFilesButNotAcrossFolders()
    {
        var a = _dir.WriteFile("a.txt", "a");
        var hidden = _dir.WriteFile(".hidden.txt", "h");
        _dir.WriteFile("sub/nested.txt", "n");
        Assert.AreEqual(KeyExpectations.HashOfSorted(a, hidden), HashFiles("*.txt"));
    }

    [TestMethod]
    public void QuestionMarkMatchesExactlyOneCharacter()
    {
        var one = _dir.WriteFile("a1.txt", "1");
        _dir.WriteFile("a22.txt", "22");
        _dir.WriteFile("a.txt", "0");
        Assert.AreEqual(KeyExpectations.HashOf(one), HashFiles("a?.txt"));
    }

    [TestMethod]
    public void CharacterClassesSupportRangesAndNegation()
    {
        var v0 = _dir.WriteFile("v0.txt", "0");
        var v1 = _dir.WriteFile("v1.txt", "1");
        var v5 = _dir.WriteFile("v5.txt", "5");
        var vx = _dir.WriteFile("vx.txt", "x");
        Assert.AreEqual(KeyExpectations.HashOfSorted(v0, v1), HashFiles("v[0-2].txt"));
        Assert.AreEqual(KeyExpectations.HashOfSorted(v5, vx), HashFiles("v[^0-2].txt"));
        Assert.AreEqual(KeyExpectations.HashOfSorted(v0, v5, vx), HashFiles("v[05x].txt"));
    }

    [TestMethod]
    public void BackslashEscapesAMetaCharacterOnUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Windows file names cannot hold '*', and '\\' is the separator there.");
        }

        var star = _dir.WriteFile("a*b.txt", "star");
        _dir.WriteFile("aXb.txt", "x");
        Assert.AreEqual(KeyExpectations.HashOf(star), HashFiles(@"a\*b.txt"));
    }

    [TestMethod]
    public void NoMatchRendersNoFiles()
    {
        _dir.WriteFile("a.txt", "a");
        Assert.AreEqual("no-files", HashFiles("*.lock"));
        Assert.AreEqual("no-files", HashFiles("missing.lock"));
        Assert.AreEqual("no-files", KeyTemplate.Render("{{ hashFiles }}", _dir.Path));
    }

    [TestMethod]
    public void PatternsThatMatchNothingAreReported()
    {
        _dir.WriteFile("a.lock", "a");
        var unmatched = new List<string>();
        var key = KeyTemplate.Render("k-{{ hashFiles \"*.lock\" \"typo.lokc\" }}-{{ hashFiles \"none/*\" }}", _dir.Path, recursiveDoubleStar: false, unmatched);
        CollectionAssert.AreEqual(new[] { "typo.lokc", "none/*" }, unmatched);
        StringAssert.EndsWith(key, "-no-files");
    }

    [TestMethod]
    public void FoldersMatchedByAPatternAreSkipped()
    {
        Directory.CreateDirectory(_dir.Combine("data-folder"));
        Assert.AreEqual("no-files", HashFiles("data*"));
        Assert.AreEqual("no-files", HashFiles("data-folder"));

        var file = _dir.WriteFile("data.txt", "d");
        Assert.AreEqual(KeyExpectations.HashOf(file), HashFiles("data*"));
    }

    [TestMethod]
    public void FileMatchedByTwoPatternsIsHashedTwice()
    {
        var a = _dir.WriteFile("a.txt", "a");
        Assert.AreEqual(KeyExpectations.HashOf(a, a), HashFiles("a.txt", "*.txt"));
    }

    [TestMethod]
    public void MatchesOfAllPatternsAreSortedTogetherByFullPath()
    {
        var z = _dir.WriteFile("z.lock", "z");
        var nested = _dir.WriteFile("sub/a.lock", "a");
        var m = _dir.WriteFile("m.lock", "m");
        Assert.AreEqual(KeyExpectations.HashOfSorted(z, nested, m), HashFiles("z.lock", "sub/*.lock", "m.lock"));
    }

    [TestMethod]
    public void WildcardInAFolderElementMatchesEachFolder()
    {
        var one = _dir.WriteFile("one/x.lock", "1");
        var two = _dir.WriteFile("two/x.lock", "2");
        _dir.WriteFile("two/deeper/x.lock", "3");
        Assert.AreEqual(KeyExpectations.HashOfSorted(one, two), HashFiles("*/x.lock"));
    }

    [TestMethod]
    public void MalformedPatternIsSkippedAndOthersStillCount()
    {
        var a = _dir.WriteFile("a.txt", "a");
        Assert.AreEqual(KeyExpectations.HashOf(a), HashFiles("[", "a.txt"));
        Assert.AreEqual("no-files", HashFiles("[a-"));
    }

    [TestMethod]
    public void AbsolutePatternIsUsedAsIs()
    {
        var a = _dir.WriteFile("a.txt", "a");
        using var elsewhere = new TempFolder();
        Assert.AreEqual(KeyExpectations.HashOf(a), KeyTemplate.Render($"{{{{ hashFiles `{a}` }}}}", elsewhere.Path));
    }

    [TestMethod]
    public void DotDotIsResolvedAgainstTheWorkingFolder()
    {
        var shared = _dir.WriteFile("shared/versions.lock", "s");
        Directory.CreateDirectory(_dir.Combine("project"));
        Assert.AreEqual(
            KeyExpectations.HashOf(shared),
            KeyTemplate.Render("{{ hashFiles \"../shared/*.lock\" }}", _dir.Combine("project")));
    }

    [TestMethod]
    public void RecursiveDoubleStarMatchesZeroOrMoreFoldersIncludingHiddenOnes()
    {
        var top = _dir.WriteFile("top.csproj", "t");
        var nested = _dir.WriteFile("src/app/app.csproj", "a");
        var hidden = _dir.WriteFile(".config/tool.csproj", "h");
        _dir.WriteFile("src/app/app.cs", "code");
        Assert.AreEqual(KeyExpectations.HashOfSorted(top, nested, hidden), HashFilesRecursive("**/*.csproj"));
    }

    [TestMethod]
    public void RecursiveDoubleStarInTheMiddleMatchesAtEveryDepth()
    {
        var direct = _dir.WriteFile("src/packages.lock.json", "0");
        var deep = _dir.WriteFile("src/a/b/packages.lock.json", "2");
        _dir.WriteFile("other/packages.lock.json", "x");
        Assert.AreEqual(KeyExpectations.HashOfSorted(direct, deep), HashFilesRecursive("src/**/packages.lock.json"));
    }

    [TestMethod]
    public void RecursiveTrailingDoubleStarMatchesEveryFileBelow()
    {
        var a = _dir.WriteFile("cfg/a.yaml", "a");
        var b = _dir.WriteFile("cfg/sub/b.yaml", "b");
        _dir.WriteFile("outside.yaml", "o");
        Assert.AreEqual(KeyExpectations.HashOfSorted(a, b), HashFilesRecursive("cfg/**"));
    }

    [TestMethod]
    public void RecursiveRepeatedDoubleStarYieldsEachFileOnce()
    {
        var a = _dir.WriteFile("x/y/a.lock", "a");
        Assert.AreEqual(KeyExpectations.HashOf(a), HashFilesRecursive("**/**/*.lock"));
    }

    [TestMethod]
    public void DoubleStarInsideAnElementIsAPlainStar()
    {
        var top = _dir.WriteFile("ab.lock", "t");
        _dir.WriteFile("sub/ab.lock", "s");
        Assert.AreEqual(KeyExpectations.HashOf(top), HashFiles("a**.lock"));
    }

    [TestMethod]
    public void WithoutTheRecursiveOptionDoubleStarMatchesLikeStarAsInGo()
    {
        // Go's filepath.Glob (what the Atmos CLI uses): "**/*.lock" is "*/*.lock", one folder deep only.
        _dir.WriteFile("top.lock", "t");
        var one = _dir.WriteFile("a/one.lock", "1");
        _dir.WriteFile("a/b/two.lock", "2");
        Assert.AreEqual(KeyExpectations.HashOf(one), HashFiles("**/*.lock"));
        Assert.AreNotEqual(HashFiles("**/*.lock"), HashFilesRecursive("**/*.lock"));
    }

    [TestMethod]
    public void WithoutTheRecursiveOptionTrailingDoubleStarMatchesOneLevelOfNames()
    {
        var a = _dir.WriteFile("cfg/a.yaml", "a");
        _dir.WriteFile("cfg/sub/b.yaml", "b");
        Assert.AreEqual(KeyExpectations.HashOf(a), HashFiles("cfg/**"));
    }
}
