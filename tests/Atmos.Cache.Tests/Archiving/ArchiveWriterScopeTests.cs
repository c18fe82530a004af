using Atmos.Cache.Archiving;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Root;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>What goes into an archive: include paths, the never-archived folders, links and special files.</summary>
[TestClass]
public sealed class ArchiveWriterScopeTests
{
    [TestMethod]
    public async Task IncludesArchiveOnlyThoseTreesAndTheirAncestorFolders()
    {
        using var temp = new TempFolder();
        temp.WriteFile("root/a/x.txt", "x");
        temp.WriteFile("root/b/y.txt", "y");
        temp.WriteFile("root/c/z.txt", "z");
        temp.WriteFile("root/c/other.txt", "other");
        var logger = new CapturingLogger();
        var archive = temp.Combine("x.tgz");

        await ArchiveWriter.WriteAsync(temp.Combine("root"), archive,
            new ArchiveWriteOptions { Includes = ["a", "./c/z.txt", "missing/thing"], Logger = logger }, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "a/", "a/x.txt", "c/", "c/z.txt" }, ArchiveEntries.Names(archive));
        Assert.IsTrue(logger.Has(CacheLogLevel.Detail, "'missing/thing' does not exist"));
    }

    [TestMethod]
    public async Task ExcludedFilesStayOutWhereAnIncludeOrTheWholeRootCoversThem()
    {
        using var temp = new TempFolder();
        temp.WriteFile("root/a/1.0.0/a.1.0.0.nupkg", "zip");
        temp.WriteFile("root/a/1.0.0/lib/a.dll", "dll");
        temp.WriteFile("root/b/b.txt", "b");
        var archive = temp.Combine("x.tgz");

        await ArchiveWriter.WriteAsync(temp.Combine("root"), archive,
            new ArchiveWriteOptions { Includes = ["a/1.0.0"], Excludes = ["a/1.0.0/a.1.0.0.nupkg"] }, CancellationToken.None);
        CollectionAssert.AreEqual(new[] { "a/", "a/1.0.0/", "a/1.0.0/lib/", "a/1.0.0/lib/a.dll" }, ArchiveEntries.Names(archive));

        await ArchiveWriter.WriteAsync(temp.Combine("root"), archive,
            new ArchiveWriteOptions { Excludes = ["./a/1.0.0/a.1.0.0.nupkg"] }, CancellationToken.None);
        CollectionAssert.AreEqual(new[] { "a/", "a/1.0.0/", "a/1.0.0/lib/", "a/1.0.0/lib/a.dll", "b/", "b/b.txt" }, ArchiveEntries.Names(archive));
    }

    [TestMethod]
    [DataRow("../outside")]
    [DataRow("a/../../outside")]
    [DataRow("/etc")]
    public async Task IncludeOutsideTheRootIsAConfigurationError(string include)
    {
        using var temp = new TempFolder();
        temp.WriteFile("root/a.txt", "a");

        var error = await Assert.ThrowsExactlyAsync<CacheConfigurationException>(() => ArchiveWriter.WriteAsync(
            temp.Combine("root"), temp.Combine("x.tgz"), new ArchiveWriteOptions { Includes = [include] }, CancellationToken.None));

        StringAssert.Contains(error.Message, include);
        Assert.IsFalse(File.Exists(temp.Combine("x.tgz")));
    }

    [TestMethod]
    [DataRow(new string[0])]
    [DataRow(new[] { ".atmos-cache", "auth", "aws-sso", "azure-device-code", "aws-webflow", "sub" })]
    public async Task StateAndAuthFoldersAreNeverArchived(string[] includes)
    {
        using var temp = new TempFolder();
        temp.WriteFile("root/.atmos-cache/state.json", "{}");
        temp.WriteFile("root/auth/provisioned.yaml", "secret");
        temp.WriteFile("root/aws-sso/token.json", "secret");
        temp.WriteFile("root/azure-device-code/token.json", "secret");
        temp.WriteFile("root/aws-webflow/refresh", "secret");
        temp.WriteFile("root/sub/auth/kept.txt", "only top-level auth folders are excluded");
        var archive = temp.Combine("x.tgz");

        await ArchiveWriter.WriteAsync(temp.Combine("root"), archive, new ArchiveWriteOptions { Includes = includes }, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "sub/", "sub/auth/", "sub/auth/kept.txt" }, ArchiveEntries.Names(archive));
    }

    [TestMethod]
    public async Task LinksLeavingTheRootAreLeftOutWithAMessage()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        temp.WriteFile("root/data.txt", "data");
        temp.WriteFile("outside.txt", "outside");
        File.CreateSymbolicLink(Path.Combine(root, "inside"), "data.txt");
        File.CreateSymbolicLink(Path.Combine(root, "absolute-inside"), Path.Combine(root, "data.txt"));
        File.CreateSymbolicLink(Path.Combine(root, "relative-out"), "../outside.txt");
        File.CreateSymbolicLink(Path.Combine(root, "absolute-out"), temp.Combine("outside.txt"));
        File.CreateSymbolicLink(Path.Combine(root, "here"), ".");
        File.CreateSymbolicLink(Path.Combine(root, "chain-out"), "here/../outside.txt");
        var logger = new CapturingLogger();
        var archive = temp.Combine("x.tgz");

        await ArchiveWriter.WriteAsync(root, archive, new ArchiveWriteOptions { Logger = logger }, CancellationToken.None);

        var entries = ArchiveEntries.Read(archive).ToDictionary(static e => e.Name);
        CollectionAssert.AreEquivalent(new[] { "absolute-inside", "data.txt", "here", "inside" }, entries.Keys.ToArray());
        Assert.AreEqual("data.txt", entries["absolute-inside"].LinkName, "absolute targets inside the root are stored relative");
        foreach (var leftOut in new[] { "relative-out", "absolute-out", "chain-out" })
        {
            Assert.IsTrue(logger.Has(CacheLogLevel.Info, $"'{leftOut}'"), leftOut);
        }
    }

    [TestMethod]
    public async Task FifoIsSkippedWithoutBlocking()
    {
        if (OperatingSystem.IsWindows() || !Tools.Exists("mkfifo"))
        {
            Assert.Inconclusive("Needs mkfifo.");
            return;
        }

        using var temp = new TempFolder();
        temp.WriteFile("root/a.txt", "a");
        Tools.Run("mkfifo", temp.Combine("root/pipe"));
        var archive = temp.Combine("x.tgz");

        await ArchiveWriter.WriteAsync(temp.Combine("root"), archive, new ArchiveWriteOptions(), CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "a.txt" }, ArchiveEntries.Names(archive));
    }

    [TestMethod]
    public async Task CancelledWriteDeletesThePartialArchive()
    {
        using var temp = new TempFolder();
        temp.WriteFile("root/.atmos-cache/lock", "");
        temp.WriteFile("root/z/later.txt", "z");
        using var cancellation = new CancellationTokenSource();
        // The walk logs the skipped state folder first, then meets the cancellation at the next entry.
        var logger = new CapturingLogger { OnLog = (_, _) => cancellation.Cancel() };
        var archive = temp.Combine("x.tgz");

        await Assert.ThrowsAsync<OperationCanceledException>(() => ArchiveWriter.WriteAsync(
            temp.Combine("root"), archive, new ArchiveWriteOptions { Logger = logger }, cancellation.Token));

        Assert.IsTrue(logger.Has(CacheLogLevel.Detail, CachePaths.StateFolder));
        Assert.IsFalse(File.Exists(archive));
    }
}
