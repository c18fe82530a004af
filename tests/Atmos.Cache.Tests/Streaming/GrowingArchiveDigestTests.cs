using System.Security.Cryptography;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Streaming;

/// <summary>
/// The digest of a download's stored bytes, computed while it arrives: it covers exactly the bytes
/// before the trailer, hashes what it may before the trailer is known, and fails with the download.
/// </summary>
[TestClass]
public sealed class GrowingArchiveDigestTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task HashesThePublishedPrefixAsItGrowsAndFinishesAtTheDataLengthGivenLast()
    {
        using var temp = new TempFolder();
        var bytes = SampleData.Bytes(3_000_000, seed: 5);
        var growing = Presized(temp, bytes);
        using var digest = GrowingArchiveDigest.Start(growing, bytes.Length, holdBack: 1000, TestContext.CancellationToken);

        growing.ReportAvailable(1_000_000);
        growing.ReportAvailable(2_500_000);
        growing.Complete(bytes.Length);
        var result = await Task.Run(() => digest.Finish(bytes.Length - 600, TestContext.CancellationToken)).WaitAsync(Patience);

        CollectionAssert.AreEqual(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 600)), result);
    }

    [TestMethod]
    public async Task ADataLengthKnownEarlyIsHashedToExactly()
    {
        using var temp = new TempFolder();
        var bytes = SampleData.Bytes(2_000_000, seed: 6);
        var growing = Presized(temp, bytes);
        using var digest = GrowingArchiveDigest.Start(growing, bytes.Length, holdBack: 16 << 20, TestContext.CancellationToken);

        digest.Cover(1_234_567);
        growing.Complete(bytes.Length);
        var result = await Task.Run(() => digest.Finish(1_234_567, TestContext.CancellationToken)).WaitAsync(Patience);

        CollectionAssert.AreEqual(SHA256.HashData(bytes.AsSpan(0, 1_234_567)), result);
    }

    [TestMethod]
    public async Task ADownloadThatFailsFailsTheDigest()
    {
        using var temp = new TempFolder();
        var bytes = SampleData.Bytes(100_000, seed: 8);
        var growing = Presized(temp, bytes);
        using var digest = GrowingArchiveDigest.Start(growing, bytes.Length, holdBack: 10, TestContext.CancellationToken);
        growing.ReportAvailable(50_000);
        growing.Fail(new CacheBackendException("connection reset"));

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Task.Run(() => digest.Finish(bytes.Length - 10, TestContext.CancellationToken)).WaitAsync(Patience));

        Assert.AreEqual("connection reset", error.Message);
    }

    private static GrowingArchive Presized(TempFolder temp, byte[] bytes)
    {
        var path = temp.File("download.archive");
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(file, bytes.Length);
            RandomAccess.Write(file, bytes, 0);
        }

        return new GrowingArchive(path);
    }
}
