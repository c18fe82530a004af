using Atmos.Cache.Archiving.Compression.Zstd;
using Atmos.Cache.Archiving.Compression;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// The system libzstd path against the managed port: each reads what the other writes, byte for
/// byte, and the native reader refuses damaged data as the managed one does.
/// </summary>
[TestClass]
public sealed class SystemZstdTests
{
    private const int ChunkSize = 64 * 1024;

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(ChunkSize * 5 + 333)]
    [DataRow(3 << 20)]
    public void SystemFramesReadWithTheManagedPort(int length)
    {
        var zstd = RequireSystemZstd();
        var data = SampleData.Bytes(length, seed: length);

        var compressed = CompressWithSystem(zstd, data, workers: 2);

        using var reader = new ZstdSharp.DecompressionStream(new MemoryStream(compressed), checkEndOfStream: true);
        CollectionAssert.AreEqual(data, SampleData.ReadAll(reader));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(ChunkSize * 5 + 333)]
    [DataRow(3 << 20)]
    public void ManagedFramesReadWithTheSystemLibrary(int length)
    {
        var zstd = RequireSystemZstd();
        var data = SampleData.Bytes(length, seed: length + 7);
        using var compressed = new MemoryStream();
        using (var writer = new ZstdSharp.CompressionStream(compressed, 3, leaveOpen: true))
        {
            writer.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
            writer.Write(data);
        }

        using var reader = new SystemZstdDecompressionStream(zstd, new MemoryStream(compressed.ToArray()));
        CollectionAssert.AreEqual(data, SampleData.ReadAll(reader));
    }

    [TestMethod]
    public void ConcatenatedFramesReadAsOneStream()
    {
        var zstd = RequireSystemZstd();
        var first = SampleData.Bytes(100_000, seed: 1);
        var second = SampleData.Bytes(50_000, seed: 2);

        var both = CompressWithSystem(zstd, first, workers: 1).Concat(CompressWithSystem(zstd, second, workers: 1)).ToArray();

        using var reader = new SystemZstdDecompressionStream(zstd, new MemoryStream(both));
        CollectionAssert.AreEqual(first.Concat(second).ToArray(), SampleData.ReadAll(reader));
    }

    [TestMethod]
    [DataRow(0.25)]
    [DataRow(0.5)]
    [DataRow(0.99)]
    public void TruncatedDataIsRefused(double keptFraction)
    {
        var zstd = RequireSystemZstd();
        var compressed = CompressWithSystem(zstd, SampleData.Bytes(1 << 20, seed: 3), workers: 2);
        var cut = compressed.AsSpan(0, (int)(compressed.Length * keptFraction)).ToArray();

        using var reader = new SystemZstdDecompressionStream(zstd, new MemoryStream(cut));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => SampleData.ReadAll(reader));
        StringAssert.Contains(error.Message, "zstd");
    }

    [TestMethod]
    public void AFlippedChecksumIsRefused()
    {
        var zstd = RequireSystemZstd();
        var compressed = CompressWithSystem(zstd, SampleData.Bytes(200_000, seed: 4), workers: 1);
        // The frame ends with the 4-byte content checksum.
        compressed[^1] ^= 0xFF;

        using var reader = new SystemZstdDecompressionStream(zstd, new MemoryStream(compressed));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => SampleData.ReadAll(reader));
        StringAssert.Contains(error.Message, "checksum", StringComparison.OrdinalIgnoreCase);
    }

    [TestMethod]
    [DataRow("0", true)]
    [DataRow("false", true)]
    [DataRow(" FALSE ", true)]
    [DataRow("1", false)]
    [DataRow("true", false)]
    [DataRow("", false)]
    [DataRow(null, false)]
    public void TheSwitchVariableTurnsTheSystemLibraryOff(string? value, bool off) =>
        Assert.AreEqual(off, SystemZstd.IsSwitchedOff(value));

    private static ZstdFunctions RequireSystemZstd()
    {
        if (SystemZstd.Installed is not { } zstd)
        {
            Assert.Inconclusive("No threaded libzstd on this machine; the managed port is used.");
            throw new InvalidOperationException();
        }

        return zstd;
    }

    private static byte[] CompressWithSystem(ZstdFunctions zstd, byte[] data, int workers)
    {
        using var output = new MemoryStream();
        using (var compressor = new SystemZstdCompressor(zstd, output, level: 3, windowLog: 26, workers, ChunkSize, chunkCount: 2))
        {
            var chunks = new ChunkingWriteStream(compressor, CancellationToken.None);
            for (var offset = 0; offset < data.Length; offset += 10_000)
            {
                chunks.Write(data, offset, Math.Min(10_000, data.Length - offset));
            }

            chunks.Complete();
        }

        return output.ToArray();
    }
}
