using System.Security.Cryptography;
using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// The trailer slot: records written after the compressed data are read back exactly, archives
/// without one read as before, and GNU tar, gzip and zstd read an archive with a trailer unchanged.
/// </summary>
[TestClass]
public sealed class ArchiveTrailerTests
{
    private static readonly TrailerTag Unknown = new((byte)'Z', (byte)'q');

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task Records_ReadBackInOrder_WithTheDataLength(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var (archive, dataLength) = await ArchiveWithTrailerAsync(temp, compression, SampleRecords());

        using var stream = File.OpenRead(archive);
        var trailer = ArchiveTrailer.Read(stream, compression);

        Assert.IsNotNull(trailer);
        Assert.AreEqual(dataLength, trailer.DataLength);
        Assert.AreEqual(0, stream.Position, "Reading the trailer restores the stream's position.");
        AssertSameRecords(SampleRecords(), trailer.Records);
        CollectionAssert.AreEqual(SampleRecords()[0].Payload.ToArray(), trailer.Find(TrailerTag.ContentDigest)!.Value.ToArray());
        Assert.IsNull(trailer.Find(TrailerTag.Signature));
        Assert.AreEqual(1, trailer.FindAll(Unknown).Count());
    }

    [TestMethod]
    public void RecordsLargerThanOneGzipExtraField_SpreadOverSeveralMembers()
    {
        // Three records of 40,000 bytes cannot share one 64 KiB extra field.
        var records = Enumerable.Range(0, 3).Select(i => new TrailerRecord(TrailerTag.ChunkIndex, Bytes(40_000, seed: i))).ToList();
        var encoded = TrailerEncoding.Encode(ArchiveCompression.Gzip, records);
        var members = CountGzipMembers(encoded);

        using var stream = new MemoryStream([.. Bytes(100, seed: 9), .. encoded]);
        var trailer = ArchiveTrailer.Read(stream, ArchiveCompression.Gzip)!;

        Assert.AreEqual(3, members);
        Assert.AreEqual(100, trailer.DataLength);
        AssertSameRecords(records, trailer.Records);
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Zstd)] // gzip archives carry their chunk index (IndexedGzipTests)
    public async Task AnArchiveWithoutATrailer_ReadsAsNone(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var archive = temp.Combine("plain");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions { Compression = compression }, CancellationToken.None);

        using var stream = File.OpenRead(archive);
        Assert.IsNull(ArchiveTrailer.Read(stream, compression));
    }

    [TestMethod]
    public void AGnuGzipFile_HasNoTrailer()
    {
        RequireTool("gzip");
        using var temp = new TempFolder();
        var file = temp.Combine("data");
        File.WriteAllBytes(file, Bytes(10_000, seed: 3));
        Tools.Run("gzip", "-k", file);

        using var stream = File.OpenRead(file + ".gz");
        Assert.IsNull(ArchiveTrailer.Read(stream, ArchiveCompression.Gzip));
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task ALocatorThatClaimsTooMuch_IsDamage(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var (archive, _) = await ArchiveWithTrailerAsync(temp, compression, SampleRecords());
        var bytes = File.ReadAllBytes(archive);
        // The locator's length field: the last 4 bytes (zstd) or the 4 before the empty member's end (gzip).
        var lengthAt = compression == ArchiveCompression.Zstd ? bytes.Length - 4 : bytes.Length - 14;
        BitConverter.TryWriteBytes(bytes.AsSpan(lengthAt, 4), (uint)bytes.Length + 1);

        using var stream = new MemoryStream(bytes);
        var e = Assert.ThrowsExactly<CacheArchiveException>(() => ArchiveTrailer.Read(stream, compression));
        StringAssert.Contains(e.Message, "end is damaged");
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task AnArchiveWithATrailer_RestoresTheSameTree(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var (archive, _) = await ArchiveWithTrailerAsync(temp, compression, SampleRecords());

        var target = temp.Combine("restored");
        await ArchiveExtractor.ExtractAsync(archive, target, new ExtractOptions(), CancellationToken.None);

        TreeListing.AssertSame(TreeListing.Of(temp.Combine("source")), TreeListing.Of(target));
    }

    [TestMethod]
    public async Task GnuTarAndGzip_ReadAGzipArchiveWithATrailerAsWithout()
    {
        RequireTool("tar");
        RequireTool("gzip");
        using var temp = new TempFolder();
        var (archive, dataLength) = await ArchiveWithTrailerAsync(temp, ArchiveCompression.Gzip, SampleRecords());
        var plain = temp.Combine("plain.tar.gz");
        File.WriteAllBytes(plain, File.ReadAllBytes(archive)[..(int)dataLength]);

        Tools.Run("gzip", "-t", archive);
        Assert.AreEqual(Tools.Run("tar", "-tvzf", plain), Tools.Run("tar", "-tvzf", archive));
        CollectionAssert.AreEqual(Decompressed("gzip", plain), Decompressed("gzip", archive));
    }

    [TestMethod]
    public async Task TheZstdCli_ReadsAZstdArchiveWithATrailerAsWithout()
    {
        RequireTool("tar");
        RequireTool("zstd");
        using var temp = new TempFolder();
        var (archive, dataLength) = await ArchiveWithTrailerAsync(temp, ArchiveCompression.Zstd, SampleRecords());
        var plain = temp.Combine("plain.tar.zst");
        File.WriteAllBytes(plain, File.ReadAllBytes(archive)[..(int)dataLength]);

        Tools.Run("zstd", "-q", "-t", archive);
        CollectionAssert.AreEqual(Decompressed("zstd", plain), Decompressed("zstd", archive));
        Assert.AreEqual(Tools.Run("tar", "--zstd", "-tvf", plain), Tools.Run("tar", "--zstd", "-tvf", archive));
    }

    private static List<TrailerRecord> SampleRecords() =>
    [
        new(TrailerTag.ContentDigest, SHA256.HashData("content"u8)),
        new(Unknown, Bytes(1000, seed: 1)),
        new(TrailerTag.ChunkIndex, Bytes(0, seed: 2)),
    ];

    /// <summary>Our archive of the sample tree with <paramref name="records"/> appended as its trailer.</summary>
    private static async Task<(string Archive, long DataLength)> ArchiveWithTrailerAsync(TempFolder temp, ArchiveCompression compression, List<TrailerRecord> records)
    {
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var archive = temp.Combine("with-trailer");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions { Compression = compression }, CancellationToken.None);
        long dataLength;
        using (var file = new FileStream(archive, FileMode.Open))
        {
            // Only the given records: the writer's own (the gzip chunk index) are cut off first.
            dataLength = ArchiveTrailer.Read(file, compression)?.DataLength ?? file.Length;
            file.SetLength(dataLength);
            file.Position = dataLength;
            ArchiveTrailer.Write(file, compression, records);
        }

        return (archive, dataLength);
    }

    private static byte[] Decompressed(string tool, string file)
    {
        using var temp = new TempFolder();
        var output = temp.Combine("out");
        Tools.Run("bash", "-c", $"{tool} -q -d -c \"$1\" > \"$2\"", "decompress", file, output);
        return File.ReadAllBytes(output);
    }

    private static int CountGzipMembers(byte[] bytes)
    {
        var count = 0;
        for (var i = 0; i + 3 < bytes.Length; i++)
        {
            if (bytes[i] == 0x1f && bytes[i + 1] == 0x8b && bytes[i + 2] == 0x08 && bytes[i + 3] == 0x04)
            {
                count++;
            }
        }

        return count;
    }

    private static void AssertSameRecords(IReadOnlyList<TrailerRecord> expected, IReadOnlyList<TrailerRecord> actual)
    {
        Assert.AreEqual(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i].Tag, actual[i].Tag);
            CollectionAssert.AreEqual(expected[i].Payload.ToArray(), actual[i].Payload.ToArray());
        }
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void RequireTool(string tool)
    {
        if (!Tools.Exists(tool))
        {
            Assert.Inconclusive($"'{tool}' is not installed.");
        }
    }
}
