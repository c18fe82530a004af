using Atmos.Cache.Archiving;
using Atmos.Cache.Root;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

[TestClass]
public sealed class ArchiveRoundTripTests
{
    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task RoundTripKeepsContentModesTimesLinksAndEmptyFolders(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var archive = temp.Combine("cache.archive");

        var written = await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions { Compression = compression }, CancellationToken.None);
        var target = temp.Combine("restored");
        var extracted = await ArchiveExtractor.ExtractAsync(archive, target, new ExtractOptions(), CancellationToken.None);

        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
        // The listing does not follow links, so it counts each entry once.
        var listing = TreeListing.Of(source);
        var fileBytes = listing.Where(static l => l.StartsWith("file ", StringComparison.Ordinal))
            .Sum(static l => long.Parse(l.Split(' ').Single(static p => p.StartsWith("size=", StringComparison.Ordinal))[5..]));
        Assert.AreEqual(listing.Count, written.Entries);
        Assert.AreEqual(fileBytes, written.ContentBytes);
        Assert.AreEqual(new FileInfo(archive).Length, written.ArchiveBytes);
        Assert.AreEqual(written.Entries, extracted.Entries);
        Assert.AreEqual(written.ContentBytes, extracted.ContentBytes);
    }

    [TestMethod]
    public async Task WriterNamesEntriesRootRelativeWithSlashAfterFolders()
    {
        using var temp = new TempFolder();
        temp.WriteFile("root/a/b.txt", "b");
        Directory.CreateDirectory(temp.Combine("root/empty"));
        var archive = temp.Combine("x.tgz");

        await ArchiveWriter.WriteAsync(temp.Combine("root"), archive, new ArchiveWriteOptions(), CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "a/", "a/b.txt", "empty/" }, ArchiveEntries.Names(archive));
    }

    [TestMethod]
    public async Task WriterDropsSetuidSetgidAndStickyBits()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix modes only.");
            return;
        }

        using var temp = new TempFolder();
        var file = temp.WriteFile("root/tool", "x");
        File.SetUnixFileMode(file, (UnixFileMode)0xFED); // 07755
        var archive = temp.Combine("x.tgz");

        await ArchiveWriter.WriteAsync(temp.Combine("root"), archive, new ArchiveWriteOptions(), CancellationToken.None);

        var entry = ArchiveEntries.Read(archive).Single();
        Assert.AreEqual(0x1ED, entry.Mode, Convert.ToString(entry.Mode, 8));
    }

    [TestMethod]
    public async Task WriterClampsTimesOutsideTheTarRange()
    {
        using var temp = new TempFolder();
        var early = temp.WriteFile("root/early", "e");
        var late = temp.WriteFile("root/late", "l");
        File.SetLastWriteTimeUtc(early, new DateTime(1960, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastWriteTimeUtc(late, new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var archive = temp.Combine("x.tgz");

        await ArchiveWriter.WriteAsync(temp.Combine("root"), archive, new ArchiveWriteOptions(), CancellationToken.None);

        var times = ArchiveEntries.Read(archive).ToDictionary(static e => e.Name, static e => e.ModifiedUtc);
        Assert.AreEqual(DateTime.UnixEpoch, times["early"]);
        Assert.AreEqual(DateTime.UnixEpoch.AddSeconds(int.MaxValue), times["late"], "the latest time the tar writer can store, not 1970");
    }

    [TestMethod]
    public async Task ExtractMergesWithExistingContentAndReplacesChangedFiles()
    {
        using var temp = new TempFolder();
        temp.WriteFile("source/changed.txt", "new");
        temp.WriteFile("source/dir/added.txt", "added");
        temp.WriteFile("source/was-file/inner.txt", "now a folder");
        temp.WriteFile("source/was-folder", "now a file");
        var archive = temp.Combine("x.tgz");
        await ArchiveWriter.WriteAsync(temp.Combine("source"), archive, new ArchiveWriteOptions(), CancellationToken.None);

        temp.WriteFile("root/changed.txt", "old");
        temp.WriteFile("root/kept.txt", "kept");
        temp.WriteFile("root/dir/old.txt", "old in dir");
        temp.WriteFile("root/was-file", "a file");
        temp.WriteFile("root/was-folder/old.txt", "in old folder");

        await ArchiveExtractor.ExtractAsync(archive, temp.Combine("root"), new ExtractOptions(), CancellationToken.None);

        Assert.AreEqual("new", File.ReadAllText(temp.Combine("root/changed.txt")));
        Assert.AreEqual("kept", File.ReadAllText(temp.Combine("root/kept.txt")));
        Assert.AreEqual("old in dir", File.ReadAllText(temp.Combine("root/dir/old.txt")));
        Assert.AreEqual("added", File.ReadAllText(temp.Combine("root/dir/added.txt")));
        Assert.AreEqual("now a folder", File.ReadAllText(temp.Combine("root/was-file/inner.txt")));
        Assert.AreEqual("now a file", File.ReadAllText(temp.Combine("root/was-folder")));
        // Staging, trash and the state folder it created are gone.
        Assert.IsFalse(Directory.Exists(temp.Combine("root", CachePaths.StateFolder)));
    }

    [TestMethod]
    public async Task ExtractLeavesAnExistingStateFolderInPlace()
    {
        using var temp = new TempFolder();
        temp.WriteFile("source/a.txt", "a");
        var archive = temp.Combine("x.tgz");
        await ArchiveWriter.WriteAsync(temp.Combine("source"), archive, new ArchiveWriteOptions(), CancellationToken.None);
        temp.WriteFile($"root/{CachePaths.StateFolder}/lock", "held");

        await ArchiveExtractor.ExtractAsync(archive, temp.Combine("root"), new ExtractOptions(), CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "lock" }, Directory.GetFileSystemEntries(temp.Combine("root", CachePaths.StateFolder)).Select(Path.GetFileName).ToArray());
        Assert.AreEqual("a", File.ReadAllText(temp.Combine("root/a.txt")));
    }
}
