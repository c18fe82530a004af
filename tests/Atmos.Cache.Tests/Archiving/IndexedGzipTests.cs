using System.IO.Compression;
using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Compression;
using Atmos.Cache.Archiving.Compression.Deflate;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// The gzip chunk index: archives carry where their chunks start, a restore inflates them on
/// several cores to the same bytes and refuses damage, archives without a (matching) index read
/// as before, incompressible chunks are stored instead of growing, and other readers see one
/// ordinary gzip member.
/// </summary>
[TestClass]
public sealed class IndexedGzipTests
{
    private const int SmallChunk = 64 * 1024;

    [TestMethod]
    [DataRow(1, false, false)]
    [DataRow(3, false, false)]
    [DataRow(1, true, false)]
    [DataRow(3, true, false)]
    [DataRow(1, false, true)]
    [DataRow(3, false, true)]
    [DataRow(1, true, true)]
    [DataRow(3, true, true)]
    public void AnIndexedArchiveInflatesInParallelToTheSameBytes(int workers, bool libdeflate, bool wholeMembers)
    {
        var layout = LayoutOf(wholeMembers);
        var data = MixedBytes(13 * SmallChunk + 777);
        using var archive = IndexedArchive(data, layout);
        Assert.AreEqual(layout, ReadIndex(archive)!.Layout);

        using var decompressor = CompressionStreams.CreateDecompressorOfFile(archive, ArchiveCompression.Gzip);

        Assert.IsInstanceOfType<ParallelGzipReadStream>(decompressor);
        using var parallel = new ParallelGzipReadStream(archive, ReadIndex(archive)!, workers, Inflater(libdeflate));
        CollectionAssert.AreEqual(data, ReadAll(parallel));
        archive.Position = 0;
        CollectionAssert.AreEqual(data, ReadAll(new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true)), "the serial reader");
    }

    [TestMethod]
    public void TheIndexRecordsEveryChunkOverSeveralRecords()
    {
        // 10,000 chunks need more than one 64 KiB record.
        var chunks = Enumerable.Range(0, 10_000).Select(i => (Deflated: 3 + (i % 200_000), Length: 1 + i, Crc: (uint)i * 2654435761u)).ToList();
        var records = GzipChunkIndex.Encode(chunks);

        Assert.IsTrue(records.Count > 1, "several records");
        Assert.IsTrue(records.All(r => r.Tag == TrailerTag.ChunkIndex && r.Payload.Length <= TrailerRecord.MaxPayloadLength));
    }

    [TestMethod]
    public void AnArchiveWithoutAnIndexIsReadSerially()
    {
        var data = MixedBytes(3 * SmallChunk);
        using var plain = new MemoryStream();
        using (var gzip = new GZipStream(plain, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        plain.Position = 0;
        using var decompressor = CompressionStreams.CreateDecompressorOfFile(plain, ArchiveCompression.Gzip);

        Assert.IsInstanceOfType<GZipStream>(decompressor);
        CollectionAssert.AreEqual(data, ReadAll(decompressor));
    }

    [TestMethod]
    public void AnIndexThatDoesNotMatchTheMemberIsIgnored()
    {
        var data = MixedBytes(5 * SmallChunk);
        var bytes = IndexedArchive(data, GzipChunkLayout.DeflatePieces).ToArray();
        using var archive = new MemoryStream(bytes);
        var trailer = ArchiveTrailer.Read(archive, ArchiveCompression.Gzip)!;
        // The first chunk's CRC-32 (the 4 bytes after the format byte and two one-to-three-byte varints) changed.
        var index = trailer.Find(TrailerTag.ChunkIndex)!.Value.ToArray();
        var crcAt = 1 + VarintLength(index, 1);
        crcAt += VarintLength(index, crcAt);
        index[crcAt] ^= 0xFF;
        using var tampered = new MemoryStream();
        tampered.Write(bytes, 0, (int)trailer.DataLength);
        ArchiveTrailer.Write(tampered, ArchiveCompression.Gzip, [new TrailerRecord(TrailerTag.ChunkIndex, index)]);
        tampered.Position = 0;

        using var decompressor = CompressionStreams.CreateDecompressorOfFile(tampered, ArchiveCompression.Gzip);

        Assert.IsNotInstanceOfType<ParallelGzipReadStream>(decompressor);
        CollectionAssert.AreEqual(data, ReadAll(decompressor), "read serially, where the member's own checks decide");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void AWholeMemberWhoseEndDoesNotMatchItsIndexRecordIsRefused(bool libdeflate)
    {
        var data = MixedBytes(5 * SmallChunk);
        var bytes = IndexedArchive(data, GzipChunkLayout.WholeMembers).ToArray();
        using var probe = new MemoryStream(bytes);
        var second = ReadIndex(probe)!.Chunks[1];
        // The second member's stored CRC-32 no longer matches its index record (the data itself is intact).
        bytes[second.Offset + second.StoredLength - 8] ^= 0xFF;
        using var archive = new MemoryStream(bytes);

        using var parallel = new ParallelGzipReadStream(archive, ReadIndex(archive)!, 2, Inflater(libdeflate));

        Assert.ThrowsExactly<InvalidDataException>(() => ReadAll(parallel));
    }

    [TestMethod]
    public void AnEmptyInputIsOneEmptyMemberWithoutAnIndex()
    {
        var libdeflate = Inflater(libdeflate: true)!;
        using var archive = new MemoryStream();
        using (var compressor = new LibdeflateGzipCompressor(libdeflate, archive, 1, SmallChunk, 2))
        {
            compressor.Complete(CancellationToken.None);
            Assert.AreEqual(0, compressor.TrailerRecords.Count);
        }

        archive.Position = 0;
        Assert.AreEqual(0, ReadAll(new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true)).Length);
        Assert.IsTrue(archive.Length >= 18, "a gzip member's header and end");
    }

    [TestMethod]
    public async Task AnArchiveCutAtAChunkBoundaryIsRefusedAndTheRootIsUnchanged()
    {
        using var temp = new TempFolder();
        var source = await IndexedSourceTree(temp);
        var archive = temp.Combine("ours.tar.gz");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions(), CancellationToken.None);
        long cut;
        using (var stream = File.OpenRead(archive))
        {
            cut = ReadIndex(stream)!.Chunks[2].Offset;
        }

        // With the machine's libdeflate every member before the cut is whole, so gzip alone sees a
        // shorter, valid file; the tar stream's missing end decides.
        var bytes = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, bytes[..(int)cut]);
        await RefusedExtraction.AssertRefusedAndRootUnchangedAsync<CacheArchiveException>(temp, archive);
    }

    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, false)]
    [DataRow(false, true)]
    [DataRow(true, true)]
    public void ADamagedChunkFailsItsCrcCheck(bool libdeflate, bool wholeMembers)
    {
        var data = MixedBytes(8 * SmallChunk);
        var bytes = IndexedArchive(data, LayoutOf(wholeMembers)).ToArray();
        using var probe = new MemoryStream(bytes);
        var chunk = ReadIndex(probe)!.Chunks[5];
        bytes[chunk.Offset + (chunk.StoredLength / 2)] ^= 0x41;
        using var archive = new MemoryStream(bytes);

        using var parallel = new ParallelGzipReadStream(archive, ReadIndex(archive)!, 2, Inflater(libdeflate));

        Assert.ThrowsExactly<InvalidDataException>(() => ReadAll(parallel));
    }

    [TestMethod]
    public async Task ADamagedArchiveIsRefusedAndTheRootIsUnchanged()
    {
        using var temp = new TempFolder();
        var source = temp.Combine("source");
        SampleTree.Create(source);
        temp.RandomFile("source/lib/noise.bin", 5_000_000, seed: 14);
        var archive = temp.Combine("damaged.tar.gz");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions(), CancellationToken.None);
        var bytes = File.ReadAllBytes(archive);
        bytes[3_000_000] ^= 0x41;
        File.WriteAllBytes(archive, bytes);
        // The stored bytes' digest refuses it before the chunks are inflated (the test above: the inflation would too).
        await RefusedExtraction.AssertRefusedAndRootUnchangedAsync<CacheIntegrityException>(temp, archive);
    }

    [TestMethod]
    public async Task RandomDataGrowsByAtMostATenthOfAPercent()
    {
        using var temp = new TempFolder();
        const long Size = 40_000_000;
        temp.RandomFile("source/random.bin", Size, seed: 14);
        var archive = temp.Combine("random.tar.gz");

        var stats = await ArchiveWriter.WriteAsync(temp.Combine("source"), archive, new ArchiveWriteOptions(), CancellationToken.None);

        // Tar headers and padding (a few KiB), stored-block headers and the trailer's index included.
        Assert.IsTrue(stats.ArchiveBytes <= Size * 1.001, $"{Size} random bytes made a {stats.ArchiveBytes}-byte archive");
        var restored = temp.Combine("restored");
        await ArchiveExtractor.ExtractAsync(archive, restored, new ExtractOptions(), CancellationToken.None);
        CollectionAssert.AreEqual(File.ReadAllBytes(temp.Combine("source/random.bin")), File.ReadAllBytes(Path.Combine(restored, "random.bin")));
    }

    [TestMethod]
    public async Task GnuTarAndGzipReadAnIndexedArchiveWithStoredChunks()
    {
        RequireTool("tar");
        RequireTool("gzip");
        using var temp = new TempFolder();
        var source = await IndexedSourceTree(temp);
        var archive = temp.Combine("ours.tar.gz");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions(), CancellationToken.None);
        using (var stream = File.OpenRead(archive))
        {
            Assert.IsTrue(ReadIndex(stream)!.Chunks.Count > 2, "several chunks");
        }

        Tools.Run("gzip", "-t", archive);
        var target = temp.Combine("by-gnu-tar");
        Directory.CreateDirectory(target);
        Tools.Run("tar", "-xzf", archive, "-C", target, "--same-permissions", "--no-same-owner");

        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
    }

    [TestMethod]
    public async Task PythonsGzipModuleReadsAnIndexedArchive()
    {
        // Another independent reader of multi-member gzip files with extra fields (Go is not on the test machines).
        RequireTool("python3");
        RequireTool("tar");
        using var temp = new TempFolder();
        var source = await IndexedSourceTree(temp);
        var archive = temp.Combine("ours.tar.gz");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions(), CancellationToken.None);
        var tar = temp.Combine("ours.tar");

        Tools.Run("python3", "-c", "import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2], 'wb'))", archive, tar);

        var target = temp.Combine("by-python");
        Directory.CreateDirectory(target);
        Tools.Run("tar", "-xf", tar, "-C", target, "--same-permissions", "--no-same-owner");
        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(target));
    }

    [TestMethod]
    public async Task OurExtractorRestoresAnIndexedArchiveWithStoredChunks()
    {
        using var temp = new TempFolder();
        var source = await IndexedSourceTree(temp);
        var archive = temp.Combine("ours.tar.gz");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions(), CancellationToken.None);
        var root = temp.Combine("root");

        await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None);

        TreeListing.AssertSame(TreeListing.Of(source), TreeListing.Of(root));
    }

    /// <summary>The sample tree plus 5 MB of random bytes and 3 MB of text: several 2 MiB chunks, stored and deflated.</summary>
    private static Task<string> IndexedSourceTree(TempFolder temp)
    {
        var source = temp.Combine("source");
        SampleTree.Create(source);
        var lib = Path.Combine(source, "lib");
        var libTime = Directory.GetLastWriteTimeUtc(lib);
        temp.RandomFile("source/lib/noise.bin", 5_000_000, seed: 3);
        File.WriteAllBytes(Path.Combine(lib, "text.txt"), MixedBytes(3_000_000));
        // Whole seconds, as tar keeps them.
        File.SetLastWriteTimeUtc(Path.Combine(lib, "noise.bin"), libTime);
        File.SetLastWriteTimeUtc(Path.Combine(lib, "text.txt"), libTime);
        Directory.SetLastWriteTimeUtc(lib, libTime);
        return Task.FromResult(source);
    }

    private static GzipChunkLayout LayoutOf(bool wholeMembers) =>
        wholeMembers ? GzipChunkLayout.WholeMembers : GzipChunkLayout.DeflatePieces;

    private static MemoryStream IndexedArchive(byte[] data, GzipChunkLayout layout)
    {
        var archive = new MemoryStream();
        IReadOnlyList<TrailerRecord> records;
        using (ChunkCompressor compressor = layout == GzipChunkLayout.WholeMembers
            ? new LibdeflateGzipCompressor(Inflater(libdeflate: true)!, archive, 1, SmallChunk, 2)
            : new ParallelGzipCompressor(archive, CompressionLevel.Fastest, SmallChunk, 2))
        {
            var chunks = new ChunkingWriteStream(compressor, CancellationToken.None);
            chunks.Write(data);
            chunks.Complete();
            records = compressor.TrailerRecords;
        }

        ArchiveTrailer.Write(archive, ArchiveCompression.Gzip, records);
        archive.Position = 0;
        return archive;
    }

    private static GzipChunkIndex? ReadIndex(Stream archive) =>
        GzipChunkIndex.TryRead(archive, ArchiveTrailer.Read(archive, ArchiveCompression.Gzip), SmallChunk * 64);

    /// <summary>Text-like runs and random runs in turn, so some chunks deflate and some are stored.</summary>
    private static byte[] MixedBytes(int length)
    {
        var random = new Random(length);
        var bytes = new byte[length];
        var words = "cache archive restore build gzip zstd tar chunk index "u8.ToArray();
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (i / (3 * SmallChunk / 2)) % 3 == 2 ? (byte)random.Next(256) : words[(i * 7 + (i / 97)) % words.Length];
        }

        return bytes;
    }

    private static int VarintLength(byte[] bytes, int at)
    {
        var length = 1;
        while ((bytes[at + length - 1] & 0x80) != 0)
        {
            length++;
        }

        return length;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }

    private static void RequireTool(string tool)
    {
        if (!Tools.Exists(tool))
        {
            Assert.Inconclusive($"{tool} is not installed.");
        }
    }

    /// <summary>The machine's libdeflate (inconclusive where it has none), or null for the BCL's zlib-ng.</summary>
    private static LibdeflateFunctions? Inflater(bool libdeflate)
    {
        if (!libdeflate)
        {
            return null;
        }

        var functions = SystemLibdeflate.Installed;
        if (functions is null)
        {
            Assert.Inconclusive("This machine has no libdeflate (Debian/Ubuntu: libdeflate0).");
        }

        return functions;
    }
}
