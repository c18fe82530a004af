using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Atmos.Cache.Archiving;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// Archives the Atmos CLI wrote (tests/golden/atmos) restore here: every regular file and folder as the
/// archive lists it (content, mode less setuid/setgid/sticky, modification time), read independently with
/// the BCL's <see cref="TarReader"/>; entries under the state folder or an auth folder are skipped.
/// </summary>
[TestClass]
public sealed class AtmosArchiveTests
{
    private const int PermissionBits = 0x1FF;
    private static readonly string[] ExcludedTopLevel = [".atmos-cache", "auth", "aws-sso", "aws-webflow", "azure-device-code"];

    [TestMethod]
    [DataRow("atmos-head.tar.gz", 0)]
    [DataRow("atmos-v1.222.0.tar.gz", 6)]
    public async Task AtmosArchiveRestoresEveryFileAndFolderItLists(string archiveName, int excludedEntries)
    {
        var archive = RepositoryRoot.Combine("tests", "golden", "atmos", archiveName);
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        var logger = new CapturingLogger();

        await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions { Logger = logger }, CancellationToken.None);

        var expected = Listing(archive, out var skipped);
        Assert.AreEqual(excludedEntries, skipped);
        CollectionAssert.AreEquivalent(expected.Keys.ToList(), OnDisk(root).ToList(), "the restored tree holds exactly the listed files and folders");
        foreach (var (path, entry) in expected)
        {
            var full = Path.Combine(root, path);
            FileSystemInfo info = entry.IsFolder ? new DirectoryInfo(full) : new FileInfo(full);
            Assert.AreEqual(entry.ModifiedUtc, TruncateToSeconds(info.LastWriteTimeUtc), path);
            if (!OperatingSystem.IsWindows())
            {
                Assert.AreEqual(Convert.ToString(entry.Mode, 8), Convert.ToString((int)info.UnixFileMode, 8), path);
            }

            if (!entry.IsFolder)
            {
                Assert.AreEqual(entry.Sha256, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full))), path);
            }
        }

        Assert.IsTrue(File.Exists(Path.Combine(root, "x", "auth", "keep.txt")), "a nested auth folder is not excluded");
        var skippedLines = logger.Lines.Where(l => l.Message.StartsWith("Skipped ", StringComparison.Ordinal)).ToList();
        if (excludedEntries == 0)
        {
            Assert.AreEqual(0, skippedLines.Count);
        }
        else
        {
            Assert.AreEqual(CacheLogLevel.Detail, skippedLines.Single().Level);
            StringAssert.StartsWith(skippedLines.Single().Message, $"Skipped {excludedEntries} archive entries");
        }
    }

    [TestMethod]
    public async Task ExcludedEntriesAreSkippedAndTheRestIsRestored()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        temp.WriteFile("root/auth/mine.txt", "the runner's own credentials");
        var archive = temp.Combine("old.tgz");
        File.WriteAllBytes(archive, new RawTar()
            .File("keep.txt", "kept")
            .File(".atmos-cache/state.json", "{}")
            .Folder("aws-sso/")
            .File("aws-sso/token.json", "{}")
            .File("./auth/mine.txt", "from the archive")
            .Symlink("aws-webflow", "keep.txt")
            .File("azure-device-code/x", "x")
            .File("x/auth/keep.txt", "nested")
            .ToGzip());
        var logger = new CapturingLogger();

        await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions { Logger = logger }, CancellationToken.None);

        Assert.AreEqual("kept", File.ReadAllText(Path.Combine(root, "keep.txt")));
        Assert.AreEqual("nested", File.ReadAllText(Path.Combine(root, "x", "auth", "keep.txt")));
        Assert.AreEqual("the runner's own credentials", File.ReadAllText(Path.Combine(root, "auth", "mine.txt")));
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "aws-sso")));
        Assert.IsFalse(Path.Exists(Path.Combine(root, "aws-webflow")));
        Assert.IsFalse(Directory.Exists(Path.Combine(root, "azure-device-code")));
        Assert.IsFalse(File.Exists(Path.Combine(root, ".atmos-cache", "state.json")));
        Assert.AreEqual(1, logger.Lines.Count(l => l.Level == CacheLogLevel.Detail && l.Message.StartsWith("Skipped 6 archive entries", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task ExclusionsCompareNamesAsTheFileSystemDoes()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        var archive = temp.Combine("case.tgz");
        File.WriteAllBytes(archive, new RawTar().File("Auth/x.txt", "upper").ToGzip());

        await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None);

        // Atmos compares exactly; on a case-insensitive file system "Auth" would be the auth folder itself.
        var caseSensitive = !OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS();
        Assert.AreEqual(caseSensitive, File.Exists(Path.Combine(root, "Auth", "x.txt")));
    }

    private sealed record ListedEntry(bool IsFolder, int Mode, DateTime ModifiedUtc, string? Sha256);

    // What `tar -tv` lists, read with the BCL's reader: regular files and folders, excluded top-level folders left out.
    private static Dictionary<string, ListedEntry> Listing(string archive, out int skipped)
    {
        skipped = 0;
        var entries = new Dictionary<string, ListedEntry>(StringComparer.Ordinal);
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            var name = entry.Name.TrimEnd('/');
            if (ExcludedTopLevel.Contains(name.Split('/')[0]))
            {
                skipped++;
                continue;
            }

            Assert.IsTrue(entry.EntryType is TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile, $"{name}: {entry.EntryType}");
            string? sha = null;
            if (entry.DataStream is { } data)
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = data.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }

                sha = Convert.ToHexString(hash.GetHashAndReset());
            }
            else if (entry.EntryType != TarEntryType.Directory)
            {
                sha = Convert.ToHexString(SHA256.HashData(ReadOnlySpan<byte>.Empty));
            }

            entries[name] = new ListedEntry(entry.EntryType == TarEntryType.Directory, (int)entry.Mode & PermissionBits, entry.ModificationTime.UtcDateTime, sha);
        }

        return entries;
    }

    private static IEnumerable<string> OnDisk(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'));

    private static DateTime TruncateToSeconds(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
