using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>Truncated and damaged archives are refused, and the root stays exactly as it was.</summary>
[TestClass]
public sealed class CorruptArchiveTests
{
    public static IEnumerable<object[]> Cuts()
    {
        foreach (var compression in new[] { ArchiveCompression.Gzip, ArchiveCompression.Zstd })
        {
            // Fractions of the length, and a few bytes before the end (inside the gzip trailer / zstd checksum).
            yield return [compression, 0.5, 0];
            yield return [compression, 0.9, 0];
            yield return [compression, 1.0, 1];
            yield return [compression, 1.0, 4];
            yield return [compression, 1.0, 8];
            yield return [compression, 1.0, 12];
            yield return [compression, 0.0, -10];
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cuts))]
    public async Task TruncatedArchiveIsRefusedAndTheRootIsUnchanged(ArchiveCompression compression, double fraction, int bytesBeforeEnd)
    {
        using var temp = new TempFolder();
        var archive = await WriteSample(temp, compression);
        var full = File.ReadAllBytes(archive);
        var length = bytesBeforeEnd < 0 ? -bytesBeforeEnd : (int)(full.Length * fraction) - bytesBeforeEnd;
        File.WriteAllBytes(archive, full[..length]);
        await RefusedExtraction.AssertRefusedAndRootUnchangedAsync<CacheArchiveException>(temp, archive);
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip, true)]
    [DataRow(ArchiveCompression.Zstd, true)]
    [DataRow(ArchiveCompression.Gzip, false)]
    [DataRow(ArchiveCompression.Zstd, false)]
    public async Task FlippedBytesAreRefusedAndTheRootIsUnchanged(ArchiveCompression compression, bool withTrailer)
    {
        using var temp = new TempFolder();
        var archive = await WriteSample(temp, compression);
        var bytes = File.ReadAllBytes(archive);
        if (!withTrailer)
        {
            // As the Atmos CLI writes them: no digest, so the compression's own checks must refuse it.
            using var stream = new MemoryStream(bytes);
            bytes = bytes[..(int)ArchiveTrailer.Read(stream, compression)!.DataLength];
        }

        for (var i = 0; i < 4; i++)
        {
            bytes[bytes.Length / 2 + i] ^= 0x5A;
        }

        File.WriteAllBytes(archive, bytes);
        var root = temp.Combine("root");
        var before = TreeListing.Of(root);

        var error = await Assert.ThrowsAsync<CacheException>(
            () => ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None));

        // With the stored bytes' digest, refused by it before decompressing; without, by the decompression.
        Assert.IsInstanceOfType(error, withTrailer ? typeof(CacheIntegrityException) : typeof(CacheArchiveException));

        TreeListing.AssertSame(before, TreeListing.Of(root));
        Assert.IsFalse(Directory.Exists(root), "the root the extractor created must be removed again");
    }

    [TestMethod]
    public async Task BadHeaderChecksumIsRefused()
    {
        using var temp = new TempFolder();
        var tar = new RawTar().File("a.txt", "a").File("b.txt", "b").ToTar();
        tar[512 + 512 + 3] ^= 0x01; // a byte of the second header's name
        var archive = temp.Combine("bad.tgz");
        File.WriteAllBytes(archive, RawTar.Gzip(tar));

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(archive, temp.Combine("root"), new ExtractOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, "checksum");
    }

    [TestMethod]
    public async Task MissingEndOfArchiveMarkerIsRefused()
    {
        using var temp = new TempFolder();
        var tar = new RawTar().File("a.txt", "a").ToTar();
        var archive = temp.Combine("no-end.tgz");
        File.WriteAllBytes(archive, RawTar.Gzip(tar[..1024]));

        var error = await Assert.ThrowsExactlyAsync<CacheArchiveException>(
            () => ArchiveExtractor.ExtractAsync(archive, temp.Combine("root"), new ExtractOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, "truncated");
    }

    private static async Task<string> WriteSample(TempFolder temp, ArchiveCompression compression)
    {
        var source = temp.Combine("source");
        SampleTree.Create(source);
        // Incompressible content makes the compressed stream long enough to cut inside file data.
        var noise = new byte[300_000];
        new Random(7).NextBytes(noise);
        File.WriteAllBytes(Path.Combine(source, "lib/noise.bin"), noise);
        var archive = temp.Combine("sample.archive");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions { Compression = compression }, CancellationToken.None);
        return archive;
    }
}
