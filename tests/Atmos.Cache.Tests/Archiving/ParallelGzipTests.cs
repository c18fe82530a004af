using System.Buffers.Binary;
using System.IO.Compression;
using Atmos.Cache.Archiving.Compression;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

[TestClass]
public sealed class ParallelGzipTests
{
    [TestMethod]
    [DataRow(0, 1000)]
    [DataRow(1000, 0)]
    [DataRow(1, 1)]
    [DataRow(4096, 12345)]
    [DataRow(300_000, 70_000)]
    public void Crc32CombineEqualsTheCrcOfTheConcatenation(int firstLength, int secondLength)
    {
        var data = SampleData.Bytes(firstLength + secondLength, seed: firstLength ^ secondLength);

        var combined = Crc32Combiner.Combine(
            BclCrc32(data.AsSpan(0, firstLength)), BclCrc32(data.AsSpan(firstLength)), secondLength);

        Assert.AreEqual(BclCrc32(data), combined);
    }

    [TestMethod]
    [DataRow(0, 1)]
    [DataRow(100, 2)]
    [DataRow(64 * 1024, 2)]
    [DataRow(5 * 64 * 1024 + 333, 1)]
    [DataRow(5 * 64 * 1024 + 333, 3)]
    public void ParallelGzipIsOneMemberThatDecompressesToTheInput(int length, int workers)
    {
        var data = SampleData.Bytes(length, seed: length);
        using var archive = new MemoryStream();
        using (var compressor = new ParallelGzipCompressor(archive, CompressionLevel.Fastest, 64 * 1024, workers))
        {
            var chunks = new ChunkingWriteStream(compressor, CancellationToken.None);
            // Odd write sizes cross chunk borders; flushes must not cut chunks.
            for (var offset = 0; offset < data.Length; offset += 10_000)
            {
                chunks.Write(data, offset, Math.Min(10_000, data.Length - offset));
                chunks.Flush();
            }

            chunks.Complete();
        }

        var bytes = archive.ToArray();
        CollectionAssert.AreEqual(data, Decompress(bytes));
        Assert.AreEqual(BclCrc32(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8)), "the trailer's CRC-32");
        Assert.AreEqual((uint)data.Length, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)), "the trailer's size");
        CollectionAssert.AreEqual(data, InflateSingleMember(bytes), "a single gzip member holds all the data");
    }

    [TestMethod]
    public void GzipToolReadsAParallelArchive()
    {
        if (!Tools.Exists("gzip"))
        {
            Assert.Inconclusive("gzip is not installed.");
        }

        var data = SampleData.Bytes(3 * 64 * 1024 + 17, seed: 7);
        var path = Path.Combine(Path.GetTempPath(), "atmos-pgzip-" + Guid.NewGuid().ToString("N") + ".gz");
        try
        {
            using (var file = File.Create(path))
            using (var compressor = new ParallelGzipCompressor(file, CompressionLevel.Fastest, 64 * 1024, 2))
            {
                var chunks = new ChunkingWriteStream(compressor, CancellationToken.None);
                chunks.Write(data);
                chunks.Complete();
            }

            Tools.Run("gzip", "-t", path);
            var listing = Tools.Run("gzip", "-lv", path);
            StringAssert.Contains(listing, data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The CRC-32 the BCL's own gzip writer puts in its trailer.</summary>
    private static uint BclCrc32(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return 0; // The BCL writes no member at all for empty input; CRC-32 of nothing is 0.
        }

        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(output.ToArray().AsSpan((int)output.Length - 8));
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>
    /// The deflate data between the 10-byte header and the 8-byte trailer, inflated as one raw
    /// stream: it holds all the content only when the file is a single gzip member.
    /// </summary>
    private static byte[] InflateSingleMember(byte[] gzip)
    {
        using var inflate = new DeflateStream(new MemoryStream(gzip, 10, gzip.Length - 18), CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflate.CopyTo(output);
        return output.ToArray();
    }
}
