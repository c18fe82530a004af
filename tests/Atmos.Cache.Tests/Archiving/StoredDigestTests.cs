using System.IO.Compression;
using System.Security.Cryptography;
using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Integrity;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// Trailer v2: every archive carries the SHA-256 of its stored (compressed) bytes before the trailer.
/// A flipped byte anywhere in them is refused — before anything is decompressed when the whole archive
/// is at hand, before the merge when it is still arriving — nothing reaches the root and the staging
/// folder is gone. Archives with the v1 digest (of the tar stream) still verify.
/// </summary>
[TestClass]
public sealed class StoredDigestTests
{
    private const string Key = "atmos-cache-linux-amd64-0123456789abcdef";
    private const string Version = "version-namespace";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task EveryArchiveCarriesTheSha256OfItsStoredBytesAndNoTarStreamDigest(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var archive = await WriteAsync(temp, compression);
        var bytes = await File.ReadAllBytesAsync(archive);

        var trailer = ReadTrailer(bytes, compression);

        CollectionAssert.AreEqual(SHA256.HashData(bytes.AsSpan(0, (int)trailer.DataLength)), trailer.Find(TrailerTag.StoredDigest)!.Value.ToArray());
        Assert.IsNull(trailer.Find(TrailerTag.ContentDigest), "the tar stream is no longer hashed on save");
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task AFlippedByteAnywhereInTheCompressedDataOfACompleteArchiveIsRefusedBeforeAnythingIsDecompressed(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var bytes = await File.ReadAllBytesAsync(await WriteAsync(temp, compression));
        var dataLength = ReadTrailer(bytes, compression).DataLength;

        foreach (var offset in SpreadOver(dataLength))
        {
            var tampered = temp.Combine($"tampered-{offset}.archive");
            await File.WriteAllBytesAsync(tampered, Flipped(bytes, offset));
            var root = RootWithOneFile(temp, $"root-{offset}");
            var before = TreeListing.Of(root);
            long? decompressed = null;

            var error = await Assert.ThrowsAsync<CacheException>(() => ArchiveExtractor.ExtractAsync(
                tampered, root, new ExtractOptions { TarBytesRead = n => decompressed = n }, CancellationToken.None), $"byte {offset} of {dataLength}");

            Assert.IsNull(decompressed, $"byte {offset}: refused before the decompression started ({error.Message})");
            AssertUntouched(root, before);
        }
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip, false)]
    [DataRow(ArchiveCompression.Gzip, true)]
    [DataRow(ArchiveCompression.Zstd, false)]
    [DataRow(ArchiveCompression.Zstd, true)]
    public async Task AFlippedByteAnywhereInTheCompressedDataOfAnArchiveStillArrivingIsRefusedBeforeTheMerge(ArchiveCompression compression, bool tailFirst)
    {
        using var temp = new TempFolder();
        var bytes = await File.ReadAllBytesAsync(await WriteAsync(temp, compression));
        var dataLength = ReadTrailer(bytes, compression).DataLength;

        foreach (var offset in SpreadOver(dataLength))
        {
            var root = RootWithOneFile(temp, $"root-{offset}");
            var before = TreeListing.Of(root);

            await Assert.ThrowsAsync<CacheException>(
                () => ExtractArrivingAsync(temp, Flipped(bytes, offset), root, tailFirst, new ExtractOptions()), $"byte {offset} of {dataLength}");

            AssertUntouched(root, before);
        }
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip, false)]
    [DataRow(ArchiveCompression.Gzip, true)]
    [DataRow(ArchiveCompression.Zstd, false)]
    public async Task AnArchiveStillArrivingRestoresWhenItsStoredBytesMatch(ArchiveCompression compression, bool tailFirst)
    {
        using var temp = new TempFolder();
        var bytes = await File.ReadAllBytesAsync(await WriteAsync(temp, compression));
        var root = temp.Combine("root");

        await ExtractArrivingAsync(temp, bytes, root, tailFirst, new ExtractOptions());

        TreeListing.AssertSame(TreeListing.Of(temp.Combine("source")), TreeListing.Of(root));
    }

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task AnArchiveWithTheV1TarStreamDigestStillVerifiesFromAFileAndWhileArriving(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        var v1 = AsV1(await File.ReadAllBytesAsync(await WriteAsync(temp, compression)), compression, signing: null);
        var file = temp.Combine("v1.archive");
        await File.WriteAllBytesAsync(file, v1);
        var source = TreeListing.Of(temp.Combine("source"));

        await ArchiveExtractor.ExtractAsync(file, temp.Combine("from-file"), new ExtractOptions(), CancellationToken.None);
        await ExtractArrivingAsync(temp, v1, temp.Combine("tail-first"), tailFirst: true, new ExtractOptions());
        await ExtractArrivingAsync(temp, v1, temp.Combine("trailer-last"), tailFirst: false, new ExtractOptions());

        TreeListing.AssertSame(source, TreeListing.Of(temp.Combine("from-file")));
        TreeListing.AssertSame(source, TreeListing.Of(temp.Combine("tail-first")));
        TreeListing.AssertSame(source, TreeListing.Of(temp.Combine("trailer-last")));
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task AV1ArchiveWhoseTarStreamDoesNotMatchItsDigestIsRefused(bool tailFirst)
    {
        using var temp = new TempFolder();
        var v1 = AsV1(await File.ReadAllBytesAsync(await WriteAsync(temp, ArchiveCompression.Gzip)), ArchiveCompression.Gzip, signing: null);
        var trailer = ReadTrailer(v1, ArchiveCompression.Gzip);
        var digestAt = (int)trailer.DataLength + v1.AsSpan((int)trailer.DataLength).IndexOf(trailer.Find(TrailerTag.ContentDigest)!.Value.Span);
        var root = RootWithOneFile(temp, "root");
        var before = TreeListing.Of(root);

        var error = await Assert.ThrowsExactlyAsync<CacheIntegrityException>(
            () => ExtractArrivingAsync(temp, Flipped(v1, digestAt + 7), root, tailFirst, new ExtractOptions()));

        StringAssert.Contains(error.Message, "digest");
        AssertUntouched(root, before);
    }

    [TestMethod]
    public async Task AV1SignedArchiveVerifiesWithTheSameSecretAndAV2SignatureIsNotAcceptedAsV1()
    {
        using var temp = new TempFolder();
        var bytes = await File.ReadAllBytesAsync(await WriteAsync(temp, ArchiveCompression.Gzip));
        var signer = new EntrySigner("team-secret");
        var v1 = temp.Combine("v1-signed.archive");
        await File.WriteAllBytesAsync(v1, AsV1(bytes, ArchiveCompression.Gzip, new EntrySigning(signer, Key, Version)));
        var verification = new EntryVerification { Key = Key, Version = Version, Signer = signer };

        await ArchiveExtractor.ExtractAsync(v1, temp.Combine("root"), new ExtractOptions { Verification = verification }, CancellationToken.None);

        TreeListing.AssertSame(TreeListing.Of(temp.Combine("source")), TreeListing.Of(temp.Combine("root")));
        var digest = SHA256.HashData(TarStream(bytes, ArchiveCompression.Gzip));
        CollectionAssert.AreNotEqual(signer.Sign(DigestScope.TarStream, digest, Key, Version), signer.Sign(DigestScope.StoredBytes, digest, Key, Version),
            "v1 and v2 signatures have their own domains");
    }

    [TestMethod]
    public async Task AChangedChunkIndexInASignedArchiveIsUntrustedBeforeAnythingIsDecompressed()
    {
        using var temp = new TempFolder();
        var signer = new EntrySigner("team-secret");
        var bytes = await File.ReadAllBytesAsync(await WriteAsync(temp, ArchiveCompression.Gzip, new EntrySigning(signer, Key, Version)));
        var trailer = ReadTrailer(bytes, ArchiveCompression.Gzip);
        var index = trailer.Find(TrailerTag.ChunkIndex)!.Value.Span;
        // The last byte of the index record (a chunk's CRC-32): outside the stored bytes, inside what the v2 signature covers.
        var indexEnd = (int)trailer.DataLength + bytes.AsSpan((int)trailer.DataLength).IndexOf(index) + index.Length - 1;
        var tampered = temp.Combine("tampered.archive");
        await File.WriteAllBytesAsync(tampered, Flipped(bytes, indexEnd));
        long? decompressed = null;
        var options = new ExtractOptions { Verification = new EntryVerification { Key = Key, Version = Version, Signer = signer }, TarBytesRead = n => decompressed = n };

        await Assert.ThrowsExactlyAsync<CacheUntrustedEntryException>(() => ArchiveExtractor.ExtractAsync(tampered, temp.Combine("root"), options, CancellationToken.None));

        Assert.IsNull(decompressed);
    }

    /// <summary>Every eighth of the stored bytes, plus the first and the last.</summary>
    private static IEnumerable<long> SpreadOver(long dataLength) =>
        Enumerable.Range(0, 8).Select(i => dataLength * i / 8).Append(1).Append(dataLength - 1).Distinct().Order();

    private static byte[] Flipped(byte[] bytes, long offset)
    {
        var copy = (byte[])bytes.Clone();
        copy[offset] ^= 0x5a;
        return copy;
    }

    private static string RootWithOneFile(TempFolder temp, string name)
    {
        var root = temp.Combine(name);
        SampleTree.Write(root, "existing.txt", "before", 0b110_100_100, new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        return root;
    }

    /// <summary>The root is as it was: no restored file, and no state or staging folder left behind.</summary>
    private static void AssertUntouched(string root, List<string> before)
    {
        TreeListing.AssertSame(before, TreeListing.Of(root));
        Assert.IsFalse(Directory.Exists(Path.Combine(root, ".atmos-cache")), "the staging folder (and the state folder made for it) is gone");
    }

    /// <summary>Extracts <paramref name="bytes"/> as a download that arrives in three steps, hashed as it arrives.</summary>
    private static async Task ExtractArrivingAsync(TempFolder temp, byte[] bytes, string root, bool tailFirst, ExtractOptions options)
    {
        var path = temp.Combine($"download-{Guid.NewGuid():N}.archive");
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(file, bytes.Length);
            RandomAccess.Write(file, bytes, 0);
        }

        var growing = new GrowingArchive(path);
        if (tailFirst)
        {
            growing.PublishTail(bytes[^Math.Min(bytes.Length, 4096)..]);
        }

        using var stop = new CancellationTokenSource();
        await using var input = new GrowingArchiveReadStream(growing, bytes.Length, stop.Token);
        // The restore's own hold-back: this archive is shorter, so without its tail first all of it is hashed once the trailer is read.
        using var digest = GrowingArchiveDigest.Start(growing, bytes.Length, TrailerEncoding.MaxTrailerLength, stop.Token);
        var extracting = ArchiveExtractor.ExtractAsync(input, root, options, stop.Cancel, stop.Token, trailerFirst: input.EndIsReadable, arrivingDigest: digest);
        growing.ReportAvailable(bytes.Length / 3);
        growing.ReportAvailable(bytes.Length * 2 / 3);
        growing.Complete(bytes.Length);
        await extracting.WaitAsync(Patience);
    }

    /// <summary>The same archive with a v1 trailer: the chunk index, the SHA-256 of the tar stream and, when signing, its v1 signature.</summary>
    private static byte[] AsV1(byte[] v2, ArchiveCompression compression, EntrySigning? signing)
    {
        var trailer = ReadTrailer(v2, compression);
        var digest = SHA256.HashData(TarStream(v2, compression));
        List<TrailerRecord> records = [.. trailer.FindAll(TrailerTag.ChunkIndex), new TrailerRecord(TrailerTag.ContentDigest, digest)];
        if (signing is not null)
        {
            records.Add(new TrailerRecord(TrailerTag.Signature, signing.Signer.Sign(DigestScope.TarStream, digest, signing.Key, signing.Version)));
        }

        using var output = new MemoryStream();
        output.Write(v2, 0, (int)trailer.DataLength);
        ArchiveTrailer.Write(output, compression, records);
        return output.ToArray();
    }

    private static ArchiveTrailer ReadTrailer(byte[] archive, ArchiveCompression compression)
    {
        using var stream = new MemoryStream(archive, writable: false);
        return ArchiveTrailer.Read(stream, compression)!;
    }

    private static byte[] TarStream(byte[] archive, ArchiveCompression compression)
    {
        using var input = new MemoryStream(archive, writable: false);
        using Stream decompressor = compression == ArchiveCompression.Gzip
            ? new GZipStream(input, CompressionMode.Decompress)
            : new ZstdSharp.DecompressionStream(input);
        using var tar = new MemoryStream();
        decompressor.CopyTo(tar);
        return tar.ToArray();
    }

    /// <summary>An archive of the sample tree and 3 MB of noise (two gzip chunks, so an index), written into <c>source</c>.</summary>
    private static async Task<string> WriteAsync(TempFolder temp, ArchiveCompression compression, EntrySigning? signing = null)
    {
        var source = temp.Combine("source");
        if (!Directory.Exists(source))
        {
            SampleTree.Create(source);
            var lib = Path.Combine(source, "lib");
            var libTime = Directory.GetLastWriteTimeUtc(lib);
            temp.RandomFile("source/lib/noise.bin", 3_000_000, seed: 21);
            File.SetLastWriteTimeUtc(Path.Combine(lib, "noise.bin"), libTime);
            Directory.SetLastWriteTimeUtc(lib, libTime);
        }

        var archive = temp.Combine($"{compression}-{(signing is null ? "unsigned" : "signed")}.archive");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions { Compression = compression, Signing = signing }, CancellationToken.None);
        return archive;
    }
}
