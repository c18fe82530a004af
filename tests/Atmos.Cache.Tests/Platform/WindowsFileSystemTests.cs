using Atmos.Cache.Archiving;
using Atmos.Cache.Caches.NuGet;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Native;
using Atmos.Cache.Platform;
using Atmos.Cache.Tests.Archiving;
using Atmos.Cache.Tests.Support;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Platform;

/// <summary>
/// What a Windows runner's file system does that Linux's does not, run here through the platform seam:
/// symbolic links refused without the privilege, files held open by another process, paths over 260
/// characters, the read-only attribute, and the root under <c>%LOCALAPPDATA%</c>.
/// </summary>
[TestClass]
public sealed class WindowsFileSystemTests
{
    private static readonly FilePlatform WithoutSymlinkPrivilege = FilePlatform.Windows with
    {
        Calls = FileCalls.Host with { CreateSymbolicLink = static (_, _) => throw PlatformRestore.PrivilegeNotHeld() },
    };

    [TestMethod]
    public async Task ASymlinkWithoutThePrivilegeIsSkippedWithOneWarningNamingIt()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        var logger = new CapturingLogger();
        var archive = new RawTar().File("bin/tool", "tool 1.0").Symlink("current-tool", "bin/tool").File("after.txt", "after");

        await PlatformRestore.ExtractAsync(WithoutSymlinkPrivilege, temp, archive, root, logger);

        Assert.AreEqual("tool 1.0", File.ReadAllText(Path.Combine(root, "bin", "tool")));
        Assert.AreEqual("after", File.ReadAllText(Path.Combine(root, "after.txt")), "the entries after the link are restored too");
        Assert.AreEqual(FileKind.Missing, NativeFileType.Probe(Path.Combine(root, "current-tool")));
        var warning = logger.Lines.Single(static line => line.Level == CacheLogLevel.Warning);
        StringAssert.Contains(warning.Message, "'current-tool'");
        StringAssert.Contains(warning.Message, "Developer Mode");
    }

    [TestMethod]
    public async Task ALinkThatWouldLeaveTheRootIsStillRefusedWithoutThePrivilege()
    {
        using var temp = new TempFolder();
        var root = PlatformRestore.ExistingRoot(temp);
        var before = TreeListing.Of(root);

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => PlatformRestore.ExtractAsync(WithoutSymlinkPrivilege, temp, new RawTar().Symlink("here", ".").Symlink("up", "here/.."), root));

        StringAssert.Contains(error.Message, "resolves outside the cache root");
        TreeListing.AssertSame(before, TreeListing.Of(root));
    }

    [TestMethod]
    public async Task AFileHeldOpenDuringTheMergeIsRetriedWithBackoff()
    {
        using var temp = new TempFolder();
        var root = PlatformRestore.ExistingRoot(temp);
        var attempts = 0;
        var platform = HeldOpen(Path.Combine(root, "tools", "old.txt"), failures: 2, count: () => attempts++);

        await PlatformRestore.ExtractAsync(platform, temp, new RawTar().File("tools/old.txt", "new"), root);

        Assert.AreEqual(3, attempts, "two refused renames, then the one that went through");
        Assert.AreEqual("new", File.ReadAllText(Path.Combine(root, "tools", "old.txt")));
        Assert.AreEqual("kept", File.ReadAllText(Path.Combine(root, "keep.txt")));
    }

    [TestMethod]
    public async Task AFileHeldOpenForTooLongFailsTheRestoreAndTheRootIsUnchanged()
    {
        using var temp = new TempFolder();
        var root = PlatformRestore.ExistingRoot(temp);
        var before = TreeListing.Of(root);
        var attempts = 0;
        var platform = HeldOpen(Path.Combine(root, "tools", "old.txt"), failures: int.MaxValue, count: () => attempts++);

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => PlatformRestore.ExtractAsync(platform, temp, new RawTar().File("a-new.txt", "new").File("tools/old.txt", "new"), root));

        StringAssert.Contains(error.Message, "another process holds");
        StringAssert.Contains(error.Message, $"gave up after {PlatformRestore.ShortDelays.Length + 1} tries");
        Assert.AreEqual(PlatformRestore.ShortDelays.Length + 1, attempts);
        TreeListing.AssertSame(before, TreeListing.Of(root));
    }

    [TestMethod]
    public async Task AFileHeldOpenDuringASaveIsRetriedWithBackoff()
    {
        using var temp = new TempFolder();
        temp.WriteFile("source/held.txt", "content");
        var attempts = 0;
        var platform = FilePlatform.Windows with
        {
            SharingRetryDelays = PlatformRestore.ShortDelays,
            Calls = FileCalls.Host with
            {
                OpenFile = (path, options) => Path.GetFileName(path) == "held.txt" && attempts++ < 2
                    ? throw PlatformRestore.SharingViolation(path)
                    : FileCalls.Host.OpenFile(path, options),
            },
        };

        var archive = await PlatformRestore.WriteAsync(platform, temp, temp.Combine("source"));

        Assert.AreEqual(3, attempts);
        CollectionAssert.Contains(ArchiveEntries.Names(archive), "held.txt");
    }

    [TestMethod]
    public async Task PathsLongerThan260CharactersRoundTripOnTheManagedPath()
    {
        using var temp = new TempFolder();
        var deep = string.Join('/', Enumerable.Range(0, 5).Select(static i => $"folder-{i}-" + new string('x', 50)));
        var relative = deep + "/file-" + new string('y', 40) + ".txt";
        var source = temp.Combine("source");
        temp.WriteFile("source/" + relative, "deep");
        Assert.IsGreaterThan(260, Path.Combine(source, relative).Length);
        Assert.IsGreaterThan(260, relative.Length);

        var archive = await PlatformRestore.WriteAsync(FilePlatform.Windows, temp, source);
        var root = temp.Combine("root");
        using (FilePlatform.Use(FilePlatform.Windows))
        {
            await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None);
        }

        Assert.AreEqual("deep", File.ReadAllText(Path.Combine(root, relative)));
    }

    [TestMethod]
    public async Task TheReadOnlyAttributeTravelsAsTheMissingWriteBit()
    {
        using var temp = new TempFolder();
        var readOnly = temp.WriteFile("source/read-only.txt", "locked");
        temp.WriteFile("source/writable.txt", "open");
        File.SetAttributes(readOnly, FileAttributes.ReadOnly);

        var archive = await PlatformRestore.WriteAsync(FilePlatform.Windows, temp, temp.Combine("source"));

        var modes = ArchiveEntries.Read(archive).ToDictionary(static e => e.Name, static e => e.Mode & 0x1FF);
        Assert.AreEqual(0x124, modes["read-only.txt"], "0444");
        Assert.AreEqual(0x1A4, modes["writable.txt"], "0644");

        // Restored twice: the second restore replaces a read-only file and still cleans up after itself.
        var root = temp.Combine("root");
        for (var run = 0; run < 2; run++)
        {
            using (FilePlatform.Use(FilePlatform.Windows))
            {
                await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None);
            }
        }

        Assert.AreEqual(FileAttributes.ReadOnly, File.GetAttributes(Path.Combine(root, "read-only.txt")) & FileAttributes.ReadOnly);
        Assert.AreEqual((FileAttributes)0, File.GetAttributes(Path.Combine(root, "writable.txt")) & FileAttributes.ReadOnly);
        Assert.AreEqual("locked", File.ReadAllText(Path.Combine(root, "read-only.txt")));
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atmos-cache", "tmp")) && Directory.EnumerateFileSystemEntries(Path.Combine(root, ".atmos-cache", "tmp")).Any(),
            "staging and trash (which held the replaced read-only file) are removed");
    }

    [TestMethod]
    public void TheDefaultRootIsUnderLocalAppDataOnWindows()
    {
        using var temp = new TempFolder();
        var localAppData = temp.Combine("AppData", "Local");
        var home = temp.Combine("home");
        var environment = new DictionaryEnvironment(new Dictionary<string, string> { ["LOCALAPPDATA"] = localAppData, ["HOME"] = home, ["USERPROFILE"] = home });

        using (FilePlatform.Use(FilePlatform.Windows))
        {
            Assert.AreEqual(Path.Combine(localAppData, "cache", "atmos"), CacheRoot.Resolve(environment));
        }

        using (FilePlatform.Use(FilePlatform.Linux))
        {
            Assert.AreEqual(Path.Combine(home, ".cache", "atmos"), CacheRoot.Resolve(environment));
        }
    }

    [TestMethod]
    public void NuGetsDefaultFolderIsUnderTheWindowsProfileOnWindows()
    {
        using var temp = new TempFolder();
        var project = temp.Combine("repo", "App");
        Directory.CreateDirectory(project);
        var environment = new DictionaryEnvironment(new Dictionary<string, string>
        {
            ["USERPROFILE"] = temp.Combine("profile"),
            ["APPDATA"] = temp.Combine("profile", "AppData", "Roaming"),
            ["HOME"] = temp.Combine("home"),
        });

        using (FilePlatform.Use(FilePlatform.Windows))
        {
            Assert.AreEqual(Path.Combine(temp.Combine("profile"), ".nuget", "packages"), NuGetPackagesFolder.Resolve(null, project, environment).Path);
        }

        using (FilePlatform.Use(FilePlatform.Linux))
        {
            Assert.AreEqual(Path.Combine(temp.Combine("home"), ".nuget", "packages"), NuGetPackagesFolder.Resolve(null, project, environment).Path);
        }
    }

    /// <summary>Windows, with renames of the file at <paramref name="held"/> refused as while another process holds it open.</summary>
    private static FilePlatform HeldOpen(string held, int failures, Func<int> count) => FilePlatform.Windows with
    {
        SharingRetryDelays = PlatformRestore.ShortDelays,
        Calls = FileCalls.Host with
        {
            Rename = (source, destination, kind) =>
            {
                if (source == held && count() < failures)
                {
                    throw PlatformRestore.SharingViolation(source);
                }

                FileCalls.Host.Rename(source, destination, kind);
            },
        },
    };
}
