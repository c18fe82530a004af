using Atmos.Cache.Archiving;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>Our gzip archives read with GNU tar, and archives made by GNU tar (and the zstd CLI) restore here.</summary>
[TestClass]
public sealed class GnuTarCompatibilityTests
{
    [TestMethod]
    public async Task GnuTarListsAndExtractsOurGzipArchive()
    {
        RequireTool("tar");
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var archive = temp.Combine("ours.tar.gz");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions(), CancellationToken.None);

        var listed = Tools.Run("tar", "-tzf", archive).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var target = temp.Combine("by-gnu-tar");
        Directory.CreateDirectory(target);
        Tools.Run("tar", "-xzf", archive, "-C", target, "--same-permissions", "--no-same-owner");

        CollectionAssert.AreEquivalent(ArchiveEntries.Names(archive), listed);
        CollectionAssert.Contains(listed, SampleTree.LongFile);
        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
    }

    [TestMethod]
    public async Task GnuTarReadsTheFullNameOfANonAsciiNameOverOneHundredBytes()
    {
        RequireTool("tar");
        using var temp = new TempFolder();
        // 60 characters but 120 UTF-8 bytes: a header's 100-byte name field cannot hold it.
        var name = string.Concat(Enumerable.Repeat("é", 60)) + ".txt";
        temp.WriteFile(Path.Combine("source", name), "accent");
        var archive = temp.Combine("ours.tar.gz");
        await ArchiveWriter.WriteAsync(temp.Combine("source"), archive, new ArchiveWriteOptions(), CancellationToken.None);

        var listed = Tools.Run("tar", "-tzf", archive).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        CollectionAssert.AreEqual(new[] { name }, listed);
    }

    [TestMethod]
    public async Task GnuTarGzipArchiveRestoresHere()
    {
        RequireTool("tar");
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var archive = temp.Combine("gnu.tar.gz");
        // "-C source ." stores "./" and "./name" entries, with GNU long-name and long-link records.
        Tools.Run("tar", "-czf", archive, "-C", source, ".");

        var target = temp.Combine("restored");
        await ArchiveExtractor.ExtractAsync(archive, target, new ExtractOptions(), CancellationToken.None);

        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
    }

    [TestMethod]
    public async Task PosixFormatArchiveRestoresHere()
    {
        RequireTool("tar");
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var archive = temp.Combine("pax.tar.gz");
        // PAX headers carry long names and link targets (as Go's archive/tar writes them).
        Tools.Run("tar", "--format=posix", "-czf", archive, "-C", source, ".");

        var target = temp.Combine("restored");
        await ArchiveExtractor.ExtractAsync(archive, target, new ExtractOptions(), CancellationToken.None);

        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
    }

    [TestMethod]
    public async Task UstarPrefixNamesRestoreHere()
    {
        RequireTool("tar");
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        // Longer than 100 bytes: ustar splits it into the prefix and name fields (as Go's writer does).
        SampleTree.Write(source, SampleTree.LongFile, "split", 0x1A4, new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        var archive = temp.Combine("ustar.tar.gz");
        Tools.Run("tar", "--format=ustar", "-czf", archive, "-C", source, "very-long-folder-name-00");

        var target = temp.Combine("restored");
        await ArchiveExtractor.ExtractAsync(archive, target, new ExtractOptions(), CancellationToken.None);

        Assert.AreEqual("split", File.ReadAllText(Path.Combine(target, SampleTree.LongFile)));
    }

    [TestMethod]
    public async Task ZstdArchiveRestoresHere()
    {
        RequireTool("tar");
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var tar = temp.Combine("plain.tar");
        Tools.Run("tar", "-cf", tar, "-C", source, ".");
        var archive = temp.Combine("gnu.tar.zst");
        if (Tools.Exists("zstd"))
        {
            Tools.Run("zstd", "-q", "-3", tar, "-o", archive);
        }
        else
        {
            using var output = File.Create(archive);
            using var zstd = new ZstdSharp.CompressionStream(output, 3);
            using var input = File.OpenRead(tar);
            input.CopyTo(zstd);
        }

        var target = temp.Combine("restored");
        await ArchiveExtractor.ExtractAsync(archive, target, new ExtractOptions(), CancellationToken.None);

        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
    }

    [TestMethod]
    public async Task OurZstdArchiveReadsWithTheZstdCli()
    {
        RequireTool("tar");
        RequireTool("zstd");
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var archive = temp.Combine("ours.tar.zst");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions { Compression = ArchiveCompression.Zstd }, CancellationToken.None);

        var tar = temp.Combine("ours.tar");
        Tools.Run("zstd", "-q", "-d", archive, "-o", tar);
        var target = temp.Combine("by-gnu-tar");
        Directory.CreateDirectory(target);
        Tools.Run("tar", "-xf", tar, "-C", target, "--same-permissions", "--no-same-owner");

        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
    }

    private static void RequireTool(string tool)
    {
        if (!Tools.Exists(tool))
        {
            Assert.Inconclusive($"'{tool}' is not installed.");
        }
    }
}
