using System.Text;
using Atmos.Cache.Archiving;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>Hand-made unsafe archives: each is refused as a whole and leaves the root exactly as it was.</summary>
[TestClass]
public sealed class HostileArchiveTests
{
    public static IEnumerable<object[]> UnsafeArchives()
    {
        yield return ["dot-dot", new RawTar().File("ok.txt", "fine").File("../x", "escape"), "'..' component"];
        yield return ["dot-dot-inside", new RawTar().File("a/../../x", "escape"), "'..' component"];
        yield return ["absolute", new RawTar().File("/abs", "escape"), "absolute path"];
        if (OperatingSystem.IsWindows())
        {
            // Hazards only where they are hazards: on Linux and macOS these are ordinary names.
            yield return ["drive-letter", new RawTar().File("C:/x", "escape"), "drive letter"];
            yield return ["backslash", new RawTar().File("a\\..\\x", "escape"), "backslash"];
        }

        yield return ["write-through-link", new RawTar().Folder("d/").Symlink("link", "d").File("link/x", "through"), "through the symbolic link 'link'"];
        yield return ["link-outside", new RawTar().Symlink("up", "../outside"), "resolves outside the cache root"];
        yield return ["link-absolute", new RawTar().Symlink("etc", "/etc"), "absolute path '/etc'"];
        yield return ["link-chain-outside", new RawTar().Symlink("here", ".").Symlink("up", "here/.."), "resolves outside the cache root"];
        yield return ["link-chain-outside-later", new RawTar().Symlink("up", "here/..").Symlink("here", "."), "resolves outside the cache root"];
        yield return ["link-loop", new RawTar().Symlink("a", "b").Symlink("b", "a"), "resolves outside the cache root"];
        yield return ["hard-link", new RawTar().File("a", "a").Entry("b", '1', [], linkName: "a"), "hard link"];
        yield return ["char-device", new RawTar().Entry("dev", '3', []), "device"];
        yield return ["block-device", new RawTar().Entry("blk", '4', []), "device"];
        yield return ["fifo", new RawTar().Entry("pipe", '6', []), "fifo"];
        yield return ["sparse", new RawTar().Entry("sparse", 'S', []), "unsupported tar entry type 'S'"];
        yield return ["file-then-folder", new RawTar().File("x", "file").Folder("x/"), "earlier entry created"];
        yield return ["file-as-parent", new RawTar().File("x", "file").File("x/y", "nested"), "earlier entry made it a file"];
        yield return ["nul-in-long-name", new RawTar().Entry("././@LongLink", 'L', Encoding.UTF8.GetBytes("a\0b\0")).File("short", "x"), "NUL character"];
    }

    public static string Name(System.Reflection.MethodInfo method, object[] data) => $"{method.Name}({data[0]})";

    [TestMethod]
    [DynamicData(nameof(UnsafeArchives), DynamicDataDisplayName = nameof(Name))]
    public async Task UnsafeArchiveIsRefusedAndTheRootIsUnchanged(string label, RawTar archive, string expectedProblem)
    {
        using var temp = new TempFolder();
        var root = ExistingRoot(temp);
        var before = TreeListing.Of(root);
        var path = temp.Combine(label + ".tgz");
        File.WriteAllBytes(path, archive.ToGzip());

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(path, root, new ExtractOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, expectedProblem);
        TreeListing.AssertSame(before, TreeListing.Of(root));
        Assert.IsFalse(File.Exists(temp.Combine("x")), "nothing may land next to the root");
    }

    [TestMethod]
    public async Task OversizedEntryIsRefusedBeforeAnythingOfItIsWritten()
    {
        using var temp = new TempFolder();
        var root = ExistingRoot(temp);
        var before = TreeListing.Of(root);
        var path = temp.Combine("big.tgz");
        File.WriteAllBytes(path, new RawTar().File("small", new string('s', 600)).File("big", new string('b', 1000)).ToGzip());

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(path, root, new ExtractOptions { MaxTotalBytes = 1500 }, CancellationToken.None));

        StringAssert.Contains(error.Message, "'big'");
        StringAssert.Contains(error.Message, "1500 bytes");
        TreeListing.AssertSame(before, TreeListing.Of(root));
    }

    [TestMethod]
    public async Task DeclaredSizeBeyondTheLimitIsRefusedEvenIfTheDataIsMissing()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("fresh/parent/root");
        var path = temp.Combine("lying.tgz");
        File.WriteAllBytes(path, new RawTar().Entry("huge", '0', [], declaredSize: 1L << 40).ToGzip());

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(path, root, new ExtractOptions { MaxTotalBytes = 1 << 20 }, CancellationToken.None));

        StringAssert.Contains(error.Message, "'huge'");
        Assert.IsFalse(Directory.Exists(temp.Combine("fresh")), "the root and parents the extractor created must be removed again");
    }

    [TestMethod]
    public async Task TooManyEntriesAreRefused()
    {
        using var temp = new TempFolder();
        var root = ExistingRoot(temp);
        var before = TreeListing.Of(root);
        var tar = new RawTar();
        for (var i = 0; i < 6; i++)
        {
            tar.File($"f{i}", "x");
        }

        var path = temp.Combine("many.tgz");
        File.WriteAllBytes(path, tar.ToGzip());

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(path, root, new ExtractOptions { MaxEntries = 5 }, CancellationToken.None));

        StringAssert.Contains(error.Message, "more than 5 entries");
        StringAssert.Contains(error.Message, "'f5'");
        TreeListing.AssertSame(before, TreeListing.Of(root));
    }

    [TestMethod]
    public async Task UnknownFormatIsRefused()
    {
        using var temp = new TempFolder();
        var root = ExistingRoot(temp);
        var path = temp.Combine("plain.tar");
        File.WriteAllBytes(path, new RawTar().File("a", "a").ToTar());

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(path, root, new ExtractOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, "neither gzip nor zstd");
    }

    [TestMethod]
    public async Task InRootLinkChainIsAccepted()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        var path = temp.Combine("links.tgz");
        // "lib" -> "lib64" -> "real/lib64": the chain stays inside, and a later link may point back up.
        File.WriteAllBytes(path, new RawTar()
            .File("real/lib64/libx.so", "so")
            .Symlink("lib64", "real/lib64")
            .Symlink("lib", "lib64")
            .Symlink("real/lib64/up", "../../lib/libx.so")
            .ToGzip());

        await ArchiveExtractor.ExtractAsync(path, root, new ExtractOptions(), CancellationToken.None);

        Assert.AreEqual("so", File.ReadAllText(Path.Combine(root, "lib/libx.so")));
        Assert.AreEqual("so", File.ReadAllText(Path.Combine(root, "real/lib64/up")));
    }

    /// <summary>A root with a bit of everything, so a stray write would show in its listing.</summary>
    private static string ExistingRoot(TempFolder temp)
    {
        var root = temp.Combine("root");
        temp.WriteFile("root/keep.txt", "keep");
        temp.WriteFile("root/d/inner.txt", "inner");
        File.CreateSymbolicLink(Path.Combine(root, "d-link"), "d");
        return root;
    }
}
