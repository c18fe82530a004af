using Atmos.Cache.Archiving.Extraction;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>The merge of a staging tree into the root, and its rollback when a rename fails part way.</summary>
[TestClass]
public sealed class RootMergerTests
{
    [TestMethod]
    public void MergeMovesNewTreesReplacesFilesAndMergesFolders()
    {
        using var temp = new TempFolder();
        var (staging, root, trash) = Prepare(temp);

        var merger = new RootMerger(staging, root, trash);
        merger.Merge();

        Assert.AreEqual("new", File.ReadAllText(Path.Combine(root, "changed.txt")));
        Assert.AreEqual("kept", File.ReadAllText(Path.Combine(root, "kept.txt")));
        Assert.AreEqual("old", File.ReadAllText(Path.Combine(root, "shared/old.txt")));
        Assert.AreEqual("added", File.ReadAllText(Path.Combine(root, "shared/added.txt")));
        Assert.AreEqual("fresh", File.ReadAllText(Path.Combine(root, "fresh/deep/f.txt")));
        Assert.IsNull(new FileInfo(Path.Combine(root, "was-link")).LinkTarget, "a folder replaces the old link, nothing is written through it");
        Assert.AreEqual("through?", File.ReadAllText(Path.Combine(root, "was-link/x.txt")));
        Assert.IsFalse(File.Exists(Path.Combine(root, "shared/x.txt")), "the link's old target is untouched");
        Assert.IsTrue(merger.UsedTrash);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(5)]
    [DataRow(4)]
    [DataRow(6)]
    public void FailedRenameRollsTheRootBack(int failingMove)
    {
        using var temp = new TempFolder();
        var (staging, root, trash) = Prepare(temp);
        var before = TreeListing.Of(root);
        var moves = 0;
        var merger = new RootMerger(staging, root, trash)
        {
            BeforeMove = _ =>
            {
                if (++moves == failingMove)
                {
                    throw new IOException("simulated failure");
                }
            },
        };

        // One line naming the path the rename failed at, with the cause.
        var error = Assert.ThrowsExactly<CacheArchiveException>(merger.Merge);
        StringAssert.Contains(error.Message, "simulated failure");
        StringAssert.Contains(error.Message, $"failed at '{root}");
        Assert.IsInstanceOfType<IOException>(error.InnerException);
        var lost = merger.Rollback();

        Assert.IsEmpty(lost);
        TreeListing.AssertSame(before, TreeListing.Of(root));
    }

    [TestMethod]
    [DoNotParallelize] // measures the process's heap
    [DataRow(false)]
    [DataRow(true)]
    public void MergingOverAnExistingTreeOfLongPathsHoldsNoFullPaths(bool rollBack)
    {
        // 2,000 files under nine folders of 200-character names (paths of about 2,000 characters),
        // each one replacing a file of the root: a journal of full paths would hold about 16 MB.
        const int files = 2_000;
        using var temp = new TempFolder();
        var folder = Path.Combine([.. Enumerable.Range(0, 9).Select(i => new string((char)('a' + i), 200))]);
        foreach (var side in new[] { "staging", "root" })
        {
            Directory.CreateDirectory(temp.Combine(Path.Combine(side, folder)));
            for (var i = 0; i < files; i++)
            {
                File.WriteAllText(temp.Combine(Path.Combine(side, folder, $"{i:D6}" + new string('f', 194))), side);
            }
        }

        var root = temp.Combine("root");
        var before = TreeListing.Of(root);
        var merger = new RootMerger(temp.Combine("staging"), root, temp.Combine("trash"));
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        merger.Merge();
        var held = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;

        Assert.IsLessThan(files * 1_024L, held, $"the merge of {files} long paths holds {held} bytes");
        if (rollBack)
        {
            Assert.IsEmpty(merger.Rollback());
            TreeListing.AssertSame(before, TreeListing.Of(root));
        }
        else
        {
            Assert.AreEqual("staging", File.ReadAllText(Path.Combine(root, folder, $"{files - 1:D6}" + new string('f', 194))));
        }

        GC.KeepAlive(merger);
    }

    private static (string Staging, string Root, string Trash) Prepare(TempFolder temp)
    {
        var time = new DateTime(2023, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        temp.WriteFile("staging/changed.txt", "new");
        temp.WriteFile("staging/shared/added.txt", "added");
        temp.WriteFile("staging/fresh/deep/f.txt", "fresh");
        temp.WriteFile("staging/was-link/x.txt", "through?");
        temp.WriteFile("root/changed.txt", "old");
        temp.WriteFile("root/kept.txt", "kept");
        temp.WriteFile("root/shared/old.txt", "old");
        File.CreateSymbolicLink(temp.Combine("root/was-link"), "shared");
        foreach (var folder in new[] { "root/shared", "root" })
        {
            Directory.SetLastWriteTimeUtc(temp.Combine(folder), time);
        }

        return (temp.Combine("staging"), temp.Combine("root"), temp.Combine("trash"));
    }
}
