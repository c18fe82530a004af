using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Root;

namespace Atmos.Cache.Tests.Root;

/// <summary>The one include-path rule, and that the configuration and the archive writer both apply it.</summary>
[TestClass]
public sealed class IncludePathTests
{
    [TestMethod]
    [DataRow(" obj ", "obj")]
    [DataRow("./obj/", "obj")]
    [DataRow("a//b/./c", "a/b/c")]
    [DataRow(@"a\b", "a/b")]
    [DataRow(".", "")]
    [DataRow("./", "")]
    public void NormalizeWritesForwardSlashesWithoutDotOrEmptySegments(string raw, string expected) =>
        Assert.AreEqual(expected, IncludePath.Normalize(raw, source: null));

    [TestMethod]
    [DataRow("/etc")]
    [DataRow(@"\share")]
    [DataRow("C:/Windows")]
    [DataRow("c:relative-to-a-drive")]
    public void AbsolutePathsAreRejected(string raw)
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => IncludePath.Normalize(raw, source: null));

        StringAssert.Contains(error.Message, $"'{raw}'");
        StringAssert.Contains(error.Message, "absolute");
    }

    [TestMethod]
    [DataRow("..")]
    [DataRow("../outside")]
    [DataRow("a/../b")]
    [DataRow(@"a\..\..\outside")]
    public void AnyParentSegmentIsRejected(string raw)
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => IncludePath.Normalize(raw, source: null));

        StringAssert.Contains(error.Message, "leaves the cache root");
    }

    [TestMethod]
    public void TheSourceIsNamedWithThePropertyToFix()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => IncludePath.Normalize("../x", "MSBuild property AtmosCachePaths"));

        StringAssert.Contains(error.Message, "from MSBuild property AtmosCachePaths");
        StringAssert.Contains(error.Message, "Fix AtmosCachePaths (or ci.cache.paths)");
    }

    [TestMethod]
    public void NormalizeAllSkipsBlankEntriesAndDuplicates() =>
        CollectionAssert.AreEqual(new[] { "obj", "bin/x" }, IncludePath.NormalizeAll(["obj", " ", "", "./obj", @"bin\x"], source: null).ToArray());

    [TestMethod]
    public void AnEntryNamingTheRootMeansTheWholeRoot() =>
        Assert.AreEqual(0, IncludePath.NormalizeAll(["obj", "."], source: null).Count);

    [TestMethod]
    [DataRow(@" a\b ; ./a/b ; c/./d ;; . ")]
    [DataRow(@"x/ ; y\z")]
    public void TheConfigurationAndTheArchiveWriterAgree(string paths)
    {
        var entries = paths.Split(';');
        var fromConfiguration = ConfigValueParser.NormalizeIncludes(entries, "MSBuild property AtmosCachePaths");
        var forArchive = IncludePaths.Parse(entries);

        CollectionAssert.AreEqual(fromConfiguration.ToArray(), forArchive.Paths.ToArray());
        Assert.AreEqual(fromConfiguration.Count == 0, forArchive.CoversEverything);
        // The archive writer gets the configuration's result: normalising it again changes nothing.
        CollectionAssert.AreEqual(fromConfiguration.ToArray(), IncludePaths.Parse(fromConfiguration).Paths.ToArray());
    }
}
