using System.Text;
using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Extraction;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// Windows-only hazards are refused only with the Windows rules; on every OS whatever the archiver writes,
/// the extractor accepts (a property test over generated names).
/// </summary>
[TestClass]
public sealed class EntryNameTests
{
    [TestMethod]
    [DataRow("c:drive.txt", "drive letter")]
    [DataRow("C:/x", "drive letter")]
    [DataRow("a\\b", "backslash")]
    [DataRow("dir/a:b", "alternate data stream")]
    [DataRow("CON", "reserved Windows device name 'CON'")]
    [DataRow("x/nul.txt", "reserved Windows device name 'nul'")]
    [DataRow("x/Com1.tar.gz", "reserved Windows device name 'Com1'")]
    [DataRow("trail.", "dot or a space")]
    [DataRow("trail ", "dot or a space")]
    [DataRow("what?", "does not allow")]
    [DataRow("tab\there", "does not allow")]
    public void WindowsHazardsAreRefusedWithTheWindowsRulesOnly(string name, string problem)
    {
        var error = Assert.ThrowsExactly<CacheArchiveException>(() => EntryPathValidator.Normalize(name, windowsRules: true));
        StringAssert.Contains(error.Message, problem);
        Assert.AreEqual(name.TrimStart('.', '/'), EntryPathValidator.Normalize(name, windowsRules: false));
    }

    [TestMethod]
    [DataRow("console.txt")]
    [DataRow("auxiliary/x")]
    [DataRow("con.d/file")]
    public void NamesThatOnlyStartLikeDeviceNamesAreFineOnWindows(string name)
    {
        if (name.StartsWith("con.", StringComparison.Ordinal))
        {
            // "con.d" is CON with an extension: reserved.
            Assert.ThrowsExactly<CacheArchiveException>(() => EntryPathValidator.Normalize(name, windowsRules: true));
            return;
        }

        Assert.AreEqual(name, EntryPathValidator.Normalize(name, windowsRules: true));
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void EscapesAreRefusedOnEveryOs(bool windowsRules)
    {
        foreach (var name in new[] { "../x", "a/../../x", "/abs", "a\0b" })
        {
            Assert.ThrowsExactly<CacheArchiveException>(() => EntryPathValidator.Normalize(name, windowsRules), name);
        }
    }

    [TestMethod]
    public async Task ADriveLetterLikeNameRoundTripsOnLinux()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Such a name cannot exist on Windows.");
            return;
        }

        using var temp = new TempFolder();
        temp.WriteFile("source/c:drive.txt", "drive");
        temp.WriteFile("source/back\\slash.txt", "slash");
        await AssertRoundTripAsync(temp);
    }

    [TestMethod]
    public async Task ALongNameWhoseFirst99BytesEndInAFolderSeparatorRoundTrips()
    {
        // As in a NuGet packages folder: microsoft.codeanalysis.analyzers/3.11.0/editorconfig/<46-byte folder>/.editorconfig,
        // whose 99-byte header stand-in ends in '/', which tar writers and readers take for a folder.
        using var temp = new TempFolder();
        const string Start = "pkg.analyzers/3.11.0/editorconfig/";
        var file = Start + new string('F', 98 - Start.Length) + "/.editorconfig";
        Assert.AreEqual('/', file[98], "the stand-in is cut after 99 bytes");
        temp.WriteFile("source/" + file, new string('x', 6234));
        await AssertRoundTripAsync(temp);
    }

    [TestMethod]
    public async Task ALongNameWhosePaxHeaderNameCutEndsInAFolderSeparatorRoundTrips()
    {
        // The PAX record block's own header is named "PaxHeaders/<name>", cut to 99 bytes: seen saving
        // a real NuGet packages folder, where that cut ended in '/' and the block was written as a folder.
        using var temp = new TempFolder();
        const string Start = "pkg.analyzers/3.11.0/editorconfig/";
        var file = Start + new string('G', 98 - "PaxHeaders/".Length - Start.Length) + "/" + new string('h', 80) + ".editorconfig";
        Assert.AreEqual('/', ("PaxHeaders/" + file)[98], "the PAX header's stand-in is cut after 99 bytes");
        temp.WriteFile("source/" + file, new string('x', 4321));
        await AssertRoundTripAsync(temp);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(4)]
    public async Task WhateverTheArchiverWritesTheExtractorAccepts(int seed)
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        var generator = new NameGenerator(new Random(seed));
        foreach (var path in generator.Paths(count: 60))
        {
            var full = Path.Combine(source, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (!Directory.Exists(full))
            {
                File.WriteAllText(full, path);
            }
        }

        await AssertRoundTripAsync(temp);
    }

    private static async Task AssertRoundTripAsync(TempFolder temp)
    {
        var source = temp.Combine("source");
        WholeSecondTimes(source);
        var archive = temp.Combine("names.tgz");
        var target = temp.Combine("restored");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions(), CancellationToken.None);
        await ArchiveExtractor.ExtractAsync(archive, target, new ExtractOptions(), CancellationToken.None);
        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
    }

    // Tar keeps whole seconds; children first, so a folder's time is not changed after it is set.
    private static void WholeSecondTimes(string source)
    {
        var time = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        foreach (var path in Directory.EnumerateFileSystemEntries(source, "*", SearchOption.AllDirectories).OrderByDescending(p => p.Length))
        {
            if (Directory.Exists(path))
            {
                Directory.SetLastWriteTimeUtc(path, time);
            }
            else
            {
                File.SetLastWriteTimeUtc(path, time);
            }
        }
    }

    /// <summary>
    /// Relative paths with what this OS allows in names: colons, backslashes, spaces, control characters,
    /// non-ASCII letters and emoji, 255-byte components, deep folders and long total paths.
    /// </summary>
    private sealed class NameGenerator(Random random)
    {
        private const int MaxComponentBytes = 255;
        private const int MaxTotalBytes = 3000;

        private static readonly string[] Pieces = BuildPieces();

        public IEnumerable<string> Paths(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var depth = random.Next(10) == 0 ? random.Next(20, 60) : random.Next(1, 5);
                var segments = new List<string>();
                var total = 0;
                for (var d = 0; d < depth; d++)
                {
                    var segment = Component(random.Next(8) == 0 ? MaxComponentBytes : random.Next(1, 40));
                    if (d == 0 && IsExcludedTopLevel(segment))
                    {
                        segment = "top-" + segment;
                    }

                    var bytes = Encoding.UTF8.GetByteCount(segment) + 1;
                    if (total + bytes > MaxTotalBytes)
                    {
                        break;
                    }

                    total += bytes;
                    segments.Add(segment);
                }

                yield return string.Join(Path.DirectorySeparatorChar, segments);
            }
        }

        private string Component(int targetBytes)
        {
            var builder = new StringBuilder();
            var bytes = 0;
            while (true)
            {
                var piece = Pieces[random.Next(Pieces.Length)];
                var size = Encoding.UTF8.GetByteCount(piece);
                if (bytes + size > targetBytes)
                {
                    break;
                }

                builder.Append(piece);
                bytes += size;
            }

            var name = builder.Length == 0 ? "n" : builder.ToString();
            if (OperatingSystem.IsWindows())
            {
                name = name.TrimEnd(' ', '.');
                name = name.Length == 0 ? "n" : name;
            }

            return name is "." or ".." ? name + "n" : name;
        }

        private static bool IsExcludedTopLevel(string name) =>
            name.Equals(".atmos-cache", StringComparison.OrdinalIgnoreCase) || name.Equals("auth", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("aws-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("azure-", StringComparison.OrdinalIgnoreCase);

        private static string[] BuildPieces()
        {
            var pieces = new List<string> { "a", "Z", "0", "-", "_", ".", " ", "~", "é", "ü", "日本", "Ω", "😀", "e\u0301", "ß", "(", ")", "[", "]", "#", "%", "'", "$", "+", "=" };
            if (!OperatingSystem.IsWindows())
            {
                // Legal in Unix names (everything but '/' and NUL); macOS rejects no ASCII control character either.
                pieces.AddRange([":", "\\", "c:", "\t", "\n", "\r", "\u0001", "\u001f", "\u007f", "?", "*", "|", "<", ">", "\""]);
            }

            return [.. pieces];
        }
    }
}
