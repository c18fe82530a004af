using Atmos.Cache.Archiving;
using Atmos.Cache.Archiving.Integrity;
using Atmos.Cache.Archiving.Trailer;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Archiving;

/// <summary>
/// Every archive carries a SHA-256 digest (v2: of its stored bytes, see <see cref="StoredDigestTests"/>)
/// and, when signing, an HMAC over it, the key and the version; an extraction checks them before
/// anything reaches the root, and system tools read signed archives exactly as unsigned ones.
/// </summary>
[TestClass]
public sealed class ContentDigestTests
{
    private const string Key = "atmos-cache-linux-amd64-0123456789abcdef";
    private const string Version = "version-namespace";

    [TestMethod]
    [DataRow(ArchiveCompression.Gzip)]
    [DataRow(ArchiveCompression.Zstd)]
    public async Task ContentThatDoesNotMatchItsDigestIsRefusedAndTheRootIsUnchanged(ArchiveCompression compression)
    {
        using var temp = new TempFolder();
        // The data of one tree with the trailer (digest) of another: every compression check passes.
        var spliced = Splice(await WriteAsync(temp, "a", compression), await WriteAsync(temp, "b", compression), compression, temp.Combine("spliced"));
        var root = temp.Combine("root");
        SampleTree.Write(root, "existing.txt", "before", 0b110_100_100, DateTime.UtcNow);
        var before = TreeListing.Of(root);

        var error = await Assert.ThrowsExactlyAsync<CacheIntegrityException>(() =>
            ArchiveExtractor.ExtractAsync(spliced, root, new ExtractOptions(), CancellationToken.None));

        StringAssert.Contains(error.Message, "digest");
        TreeListing.AssertSame(before, TreeListing.Of(root));
    }

    [TestMethod]
    public async Task AnArchiveWithoutADigestStillRestores()
    {
        using var temp = new TempFolder();
        var archive = await WriteAsync(temp, "a", ArchiveCompression.Gzip);
        StripTrailer(archive, ArchiveCompression.Gzip);
        var root = temp.Combine("root");

        var stats = await ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions(), CancellationToken.None);

        Assert.IsGreaterThan(0L, stats.Entries);
        TreeListing.AssertSame(TreeListing.Of(temp.Combine("a")), TreeListing.Of(root));
    }

    [TestMethod]
    public async Task ASignedArchiveVerifiesWithTheSameSecretKeyAndVersion()
    {
        using var temp = new TempFolder();
        var archive = await WriteAsync(temp, "a", ArchiveCompression.Gzip, new EntrySigning(new EntrySigner("team-secret"), Key, Version));

        await ExtractAsync(archive, temp.Combine("root"), Verification(new EntrySigner("team-secret")));

        TreeListing.AssertSame(TreeListing.Of(temp.Combine("a")), TreeListing.Of(temp.Combine("root")));
    }

    [TestMethod]
    public async Task ASignatureMadeWithAnotherSecretOrForAnotherKeyIsUntrusted()
    {
        using var temp = new TempFolder();
        var archive = await WriteAsync(temp, "a", ArchiveCompression.Gzip, new EntrySigning(new EntrySigner("someone-else"), Key, Version));
        var replayed = await WriteAsync(temp, "b", ArchiveCompression.Gzip, new EntrySigning(new EntrySigner("team-secret"), "another-key", Version));
        var root = temp.Combine("root");

        var otherSecret = await Assert.ThrowsExactlyAsync<CacheUntrustedEntryException>(() => ExtractAsync(archive, root, Verification(new EntrySigner("team-secret"))));
        var otherKey = await Assert.ThrowsExactlyAsync<CacheUntrustedEntryException>(() => ExtractAsync(replayed, root, Verification(new EntrySigner("team-secret"))));

        Assert.AreEqual(Key, otherSecret.Key);
        StringAssert.Contains(otherSecret.Message, Key);
        Assert.AreEqual(Key, otherKey.Key);
        Assert.IsFalse(Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any(), "nothing reached the root");
    }

    [TestMethod]
    public async Task AnUnsignedArchiveIsUntrustedWhenSignaturesAreRequiredAndAcceptedWhenOnlyCheckedIfPresent()
    {
        using var temp = new TempFolder();
        var unsigned = await WriteAsync(temp, "a", ArchiveCompression.Gzip);

        await Assert.ThrowsExactlyAsync<CacheUntrustedEntryException>(() => ExtractAsync(unsigned, temp.Combine("strict"), Verification(new EntrySigner("team-secret"))));
        await ExtractAsync(unsigned, temp.Combine("relaxed"), Verification(new EntrySigner("team-secret")) with { RequireSignature = false });

        TreeListing.AssertSame(TreeListing.Of(temp.Combine("a")), TreeListing.Of(temp.Combine("relaxed")));
    }

    [TestMethod]
    public void TheSignerNeverShowsItsSecret()
    {
        var signer = new EntrySigner("s3cr3t-value");

        Assert.DoesNotContain("s3cr3t-value", signer.ToString());
        Assert.DoesNotContain("s3cr3t-value", new EntrySigning(signer, Key, Version).ToString());
    }

    [TestMethod]
    public async Task GnuTarAndGzipReadASignedGzipArchiveAsTheUnsignedOne()
    {
        RequireTool("tar");
        RequireTool("gzip");
        using var temp = new TempFolder();
        var unsigned = await WriteAsync(temp, "a", ArchiveCompression.Gzip);
        var signed = temp.Combine("signed.tar.gz");
        await ArchiveWriter.WriteAsync(temp.Combine("a"), signed, new ArchiveWriteOptions { Signing = new EntrySigning(new EntrySigner("team-secret"), Key, Version) }, CancellationToken.None);

        Tools.Run("gzip", "-t", signed);
        Assert.AreEqual(Tools.Run("tar", "-tvzf", unsigned), Tools.Run("tar", "-tvzf", signed));
        Assert.AreEqual(Tools.Run("bash", "-c", "gzip -dc \"$1\" | sha256sum", "digest", unsigned), Tools.Run("bash", "-c", "gzip -dc \"$1\" | sha256sum", "digest", signed));
        AssertSigned(signed, ArchiveCompression.Gzip);
    }

    [TestMethod]
    public async Task GnuTarAndZstdReadASignedZstdArchiveAsTheUnsignedOne()
    {
        RequireTool("tar");
        RequireTool("zstd");
        using var temp = new TempFolder();
        var unsigned = await WriteAsync(temp, "a", ArchiveCompression.Zstd);
        var signed = temp.Combine("signed.tar.zst");
        await ArchiveWriter.WriteAsync(temp.Combine("a"), signed,
            new ArchiveWriteOptions { Compression = ArchiveCompression.Zstd, Signing = new EntrySigning(new EntrySigner("team-secret"), Key, Version) }, CancellationToken.None);

        Tools.Run("zstd", "-q", "-t", signed);
        Assert.AreEqual(Tools.Run("tar", "--zstd", "-tvf", unsigned), Tools.Run("tar", "--zstd", "-tvf", signed));
        Assert.AreEqual(Tools.Run("bash", "-c", "zstd -q -dc \"$1\" | sha256sum", "digest", unsigned), Tools.Run("bash", "-c", "zstd -q -dc \"$1\" | sha256sum", "digest", signed));
        AssertSigned(signed, ArchiveCompression.Zstd);
    }

    private static EntryVerification Verification(EntrySigner signer) => new() { Key = Key, Version = Version, Signer = signer };

    private static Task<ArchiveStats> ExtractAsync(string archive, string root, EntryVerification verification) =>
        ArchiveExtractor.ExtractAsync(archive, root, new ExtractOptions { Verification = verification }, CancellationToken.None);

    /// <summary>An archive of a small tree named <paramref name="name"/> (its content differs per name).</summary>
    private static async Task<string> WriteAsync(TempFolder temp, string name, ArchiveCompression compression, EntrySigning? signing = null)
    {
        var source = temp.Combine(name);
        if (!Directory.Exists(source))
        {
            SampleTree.Create(source);
            SampleTree.Write(source, "variant.txt", "tree " + name, 0b110_100_100, new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        }

        var archive = temp.Combine($"{name}-{compression}-{(signing is null ? "unsigned" : "signed")}.archive");
        await ArchiveWriter.WriteAsync(source, archive, new ArchiveWriteOptions { Compression = compression, Signing = signing }, CancellationToken.None);
        return archive;
    }

    private static string Splice(string dataOf, string trailerOf, ArchiveCompression compression, string output)
    {
        var data = File.ReadAllBytes(dataOf)[..(int)TrailerStart(dataOf, compression)];
        var trailer = File.ReadAllBytes(trailerOf)[(int)TrailerStart(trailerOf, compression)..];
        File.WriteAllBytes(output, [.. data, .. trailer]);
        return output;
    }

    private static long TrailerStart(string archive, ArchiveCompression compression)
    {
        using var stream = File.OpenRead(archive);
        return ArchiveTrailer.Read(stream, compression)!.DataLength;
    }

    private static void StripTrailer(string archive, ArchiveCompression compression)
    {
        var start = TrailerStart(archive, compression);
        using var stream = new FileStream(archive, FileMode.Open);
        stream.SetLength(start);
    }

    private static void AssertSigned(string archive, ArchiveCompression compression)
    {
        using var stream = File.OpenRead(archive);
        Assert.AreEqual(EntrySigner.SignatureLength, ArchiveTrailer.Read(stream, compression)!.Find(TrailerTag.Signature)?.Length);
    }

    private static void RequireTool(string tool)
    {
        if (!Tools.Exists(tool))
        {
            Assert.Inconclusive($"'{tool}' is not installed.");
        }
    }
}
