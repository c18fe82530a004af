using Atmos.Cache.Archiving;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;
using Atmos.Cache.Testing.Hostile;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// The "resources" group: archives small on disk and huge in what they claim, built on the fly in
/// gzip and zstd, are refused (or restored) within a fixed budget of bytes read, compressed and
/// decompressed, and of memory allocated, all measured in-process. Not parallel with other classes,
/// so the process-wide allocation count is this test's own.
/// </summary>
[TestClass]
[TestCategory("resources")]
[DoNotParallelize]
public sealed class ResourceBoundTests
{
    private const long MiB = 1 << 20;
    private const long GiB = 1L << 30;
    /// <summary>The pipe (4 MiB), the reader's buffer (1 MiB), decompressor state and what a few entries allocate.</summary>
    private const long AllocationBudget = 96 * MiB;

    public static IEnumerable<object[]> Refused()
    {
        foreach (var compression in new[] { ArchiveCompression.Gzip, ArchiveCompression.Zstd })
        {
            yield return [HostileArchives.PaxGlobalHuge, compression, "metadata record", 1 * MiB];
            // The budget counts the records' data; their 512-byte headers come on top.
            yield return [HostileArchives.PaxGlobalMany, compression, "metadata records", GiB + 16 * MiB];
            yield return [HostileArchives.DeepPath, compression, "a long name of 100001 bytes (at most 4096)", 1 * MiB];
            yield return [HostileArchives.DeepPathPax, compression, "metadata record", 1 * MiB];
            yield return [HostileArchives.DeepFolders, compression, "more than 1024 folders deep", 8 * MiB];
            yield return [HostileArchives.DeepLink200K, compression, "long link target of 399999 bytes", 1 * MiB];
            yield return [HostileArchives.DeepLink400K, compression, "long link target of 799999 bytes", 1 * MiB];
        }
    }

    public static string Name(System.Reflection.MethodInfo method, object[] data) => $"{method.Name}({data[0]}, {data[1]})";

    [TestMethod]
    [DynamicData(nameof(Refused), DynamicDataDisplayName = nameof(Name))]
    public async Task HugeClaim_IsRefusedWithinTheBudget(string hostileCase, ArchiveCompression compression, string expected, long tarBudget)
    {
        using var temp = new TempFolder();
        var root = ExistingRoot(temp);
        var before = TreeListing.Of(root);
        var archive = Write(temp, hostileCase, compression);

        var (error, usage) = await MeasureAsync(archive, root, expectFailure: true);

        StringAssert.Contains(error!.Message, expected);
        Assert.DoesNotContain("\n", error.Message, "a refusal is one line");
        Assert.IsLessThan(400, error.Message.Length, error.Message);
        TreeListing.AssertSame(before, TreeListing.Of(root));
        usage.AssertWithin(tarBudget);
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip, 8L << 30)]
    [DataRow(ArchiveCompression.Zstd, 256L << 30)]
    public async Task DataAfterTheEndMarker_IsReadOnlySoFar_AndTheArchiveIsRestored(ArchiveCompression compression, long claim)
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        var archive = Write(temp, HostileArchives.AfterEnd, compression, claim);
        var logger = new CapturingLogger();

        var (_, usage) = await MeasureAsync(archive, root, expectFailure: false, logger);

        Assert.AreEqual("fine", File.ReadAllText(Path.Combine(root, "ok.txt")));
        Assert.IsTrue(logger.Has(CacheLogLevel.Warning, "after its tar end marker; the rest was not read"), "the ignored rest is reported");
        usage.AssertWithin(new ExtractOptions().MaxBytesAfterEnd + 4 * MiB);
        // The decompressor reads a little ahead of the reader, never on to the end of the claim.
        Assert.IsGreaterThan(4 * MiB, usage.ArchiveLength);
        Assert.IsLessThan(2 * MiB, usage.CompressedRead, usage.ToString());
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task ASmallTrailAfterTheEndMarker_IsReadToTheEnd_SoTheChecksumIsChecked(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        // 1 MiB of zeros after the marker, then the stream's own end: read and checked, no warning.
        var archive = Write(temp, HostileArchives.AfterEnd, compression, 1 * MiB);
        var logger = new CapturingLogger();

        await MeasureAsync(archive, root, expectFailure: false, logger);

        Assert.AreEqual("fine", File.ReadAllText(Path.Combine(root, "ok.txt")));
        Assert.IsFalse(logger.Has(CacheLogLevel.Warning, "after its tar end marker"), "a small trail is no reason to warn");
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task ManyLongNames_AreRestored(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        var archive = temp.Combine("long-names.archive");
        using (var output = File.Create(archive))
        {
            HostileArchives.Write(HostileArchives.LongNames, compression, output, 0, entries: 3_000);
        }

        var stats = await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None);

        // ok.txt, 3,000 files and their 3 listed folders.
        Assert.AreEqual(3_004, stats.Entries);
        var files = Directory.GetFiles(root, "file*", SearchOption.AllDirectories);
        Assert.HasCount(3_000, files);
        var last = files.Single(static f => Path.GetFileName(f).StartsWith("file0002999-", StringComparison.Ordinal));
        Assert.AreEqual("2999\n", File.ReadAllText(last));
    }

    [TestMethod]
    public async Task MetadataRecords_CountAsEntries()
    {
        using var temp = new TempFolder();
        var root = temp.Combine("root");
        var tar = new RawTar();
        for (var i = 0; i < 10; i++)
        {
            tar.Entry("PaxHeaders/x", 'x', "11 a=bcdef\n"u8.ToArray());
        }

        var archive = temp.Combine("pax.tgz");
        File.WriteAllBytes(archive, tar.File("f", "x").ToGzip());

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions { MaxEntries = 5 }, CancellationToken.None));

        StringAssert.Contains(error.Message, "more than 5 entries (the limit, metadata records included)");
    }

    private static string Write(TempFolder temp, string hostileCase, ArchiveCompression compression, long? claim = null)
    {
        // gzip stores about 1 MiB of zeros in 1 KB, zstd 128 KiB in 4 bytes: both stay a few MB on disk.
        var claimed = claim ?? (compression == ArchiveCompression.Gzip ? 2L << 30 : 64L << 30);
        var path = temp.Combine($"{hostileCase}.{compression}".ToLowerInvariant());
        using var output = File.Create(path);
        HostileArchives.Write(hostileCase, compression, output, claimed);
        return path;
    }

    /// <summary>Extracts through a counting stream; returns the failure (when one was expected) and what it cost.</summary>
    private static async Task<(CacheArchiveException? Error, Usage Usage)> MeasureAsync(string archive, string root, bool expectFailure, CapturingLogger? logger = null)
    {
        await using var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        var counting = new CountingStream(file);
        long tarBytes = -1;
        var options = new ExtractOptions { Logger = logger ?? new CapturingLogger(), TarBytesRead = n => tarBytes = n };
        CacheArchiveException? error = null;
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        try
        {
            await ArchiveExtractor.ExtractAsync(counting, root, options, static () => { }, CancellationToken.None);
        }
        catch (CacheArchiveException e) when (expectFailure)
        {
            error = e;
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.AreEqual(expectFailure, error is not null, "refused as expected");
        return (error, new Usage(counting.BytesRead, file.Length, tarBytes, allocated));
    }

    private static string ExistingRoot(TempFolder temp)
    {
        var root = temp.Combine("root");
        temp.WriteFile("root/keep.txt", "keep");
        temp.WriteFile("root/d/inner.txt", "inner");
        return root;
    }

    private sealed record Usage(long CompressedRead, long ArchiveLength, long TarBytes, long Allocated)
    {
        public void AssertWithin(long tarBudget)
        {
            var what = $"read {CompressedRead} of {ArchiveLength} compressed bytes, {TarBytes} tar bytes; allocated {Allocated} bytes";
            Assert.IsGreaterThanOrEqualTo(0, TarBytes, "the extraction reported what it read");
            Assert.IsLessThanOrEqualTo(tarBudget, TarBytes, what);
            Assert.IsLessThanOrEqualTo(AllocationBudget, Allocated, what);
        }
    }

    /// <summary>A read-only pass-through that counts the bytes read.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
