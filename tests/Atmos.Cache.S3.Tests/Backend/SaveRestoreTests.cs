using Atmos.Cache.Errors;
using Atmos.Cache.S3.Tests.Infrastructure;
using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;
using Kind = Atmos.Cache.S3.Tests.Infrastructure.S3FaultProxy.RequestKind;

namespace Atmos.Cache.S3.Tests.Backend;

/// <summary>Save and restore against a real s3rver: one request when small, parallel parts and ranges when large.</summary>
[TestClass]
public sealed class SaveRestoreTests
{
    private const string Version = "0123456789abcdef";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ASmallArchiveGoesUpInOnePutAndComesBackByteForByte()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        var archive = bucket.Temp.RandomFile("small.tgz", 300_000, seed: 1);
        var backend = bucket.Backend();

        await backend.SaveAsync("key-small", Version, archive, TestContext.CancellationToken);
        var restored = bucket.Temp.File("restored");
        var match = await backend.RestoreAsync("key-small", [], Version, restored, TestContext.CancellationToken);

        Assert.AreEqual("key-small", match.MatchedKey);
        Assert.AreEqual(300_000, match.Size);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(1, bucket.Proxy!.Count(Kind.PutObject));
        Assert.AreEqual(0, bucket.Proxy.Count(Kind.CreateUpload));
    }

    [TestMethod]
    public async Task ALargeArchiveGoesUpInParallelPartsAndComesBackThroughParallelRanges()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        var archive = bucket.Temp.RandomFile("large.tgz", 12 * 1024 * 1024 + 12345, seed: 2);
        var backend = bucket.Backend();

        await backend.SaveAsync("key-large", Version, archive, TestContext.CancellationToken);
        var restored = bucket.Temp.File("restored");
        var match = await backend.RestoreAsync("key-large", [], Version, restored, TestContext.CancellationToken);

        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(new FileInfo(archive).Length, match.Size);
        Assert.AreEqual(1, bucket.Proxy!.Count(Kind.CreateUpload));
        Assert.AreEqual(13, bucket.Proxy.Count(Kind.UploadPart));
        Assert.AreEqual(1, bucket.Proxy.Count(Kind.CompleteUpload));
        Assert.AreEqual(13, bucket.Proxy.Count(Kind.RangedGet));
        Assert.IsGreaterThan(1, bucket.Proxy.MaxInFlight(Kind.UploadPart), "parts in parallel");
        Assert.IsGreaterThan(1, bucket.Proxy.MaxInFlight(Kind.RangedGet), "ranges in parallel");
    }

    [TestMethod]
    public async Task AGrowingArchiveUploadsPartsBeforeItIsFinished()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        var source = bucket.Temp.RandomFile("source", 6 * 1024 * 1024, seed: 3);
        var path = bucket.Temp.File("growing.tgz");
        var growing = new GrowingArchive(path);
        var bytes = await File.ReadAllBytesAsync(source, TestContext.CancellationToken);
        var backend = bucket.Backend();

        await using (var writer = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            // The first 4 MiB are there: past the single-shot limit, so the upload starts with parts.
            await writer.WriteAsync(bytes.AsMemory(0, 4 * 1024 * 1024), TestContext.CancellationToken);
            await writer.FlushAsync(TestContext.CancellationToken);
            growing.ReportAvailable(4 * 1024 * 1024);
            var save = backend.SaveAsync("key-growing", Version, growing, TestContext.CancellationToken);

            await bucket.Proxy!.WaitForAsync(Kind.UploadPart, 4, TestContext.CancellationToken);
            Assert.IsFalse(save.IsCompleted, "the entry is not complete while the archive is still being written");
            Assert.AreEqual(0, bucket.Proxy.Count(Kind.CompleteUpload));

            await writer.WriteAsync(bytes.AsMemory(4 * 1024 * 1024), TestContext.CancellationToken);
            await writer.FlushAsync(TestContext.CancellationToken);
            growing.Complete(bytes.Length);
            await save;
        }

        var restored = bucket.Temp.File("restored");
        await backend.RestoreAsync("key-growing", [], Version, restored, TestContext.CancellationToken);
        Assert.AreEqual(TempFolder.Sha256(source), TempFolder.Sha256(restored));
        Assert.AreEqual(6, bucket.Proxy.Count(Kind.UploadPart));
    }

    [TestMethod]
    public async Task AFailedArchiveLeavesNoEntryAndAbortsItsUpload()
    {
        await using var bucket = await S3Bucket.StartAsync(withProxy: true);
        var path = bucket.Temp.File("failing.tgz");
        await File.WriteAllBytesAsync(path, new byte[3 * 1024 * 1024], TestContext.CancellationToken);
        var growing = new GrowingArchive(path);
        growing.ReportAvailable(3 * 1024 * 1024);
        var backend = bucket.Backend();

        var save = backend.SaveAsync("key-failed", Version, growing, TestContext.CancellationToken);
        await bucket.Proxy!.WaitForAsync(Kind.UploadPart, 3, TestContext.CancellationToken);
        growing.Fail(new CacheArchiveException("the archive could not be written"));

        await Assert.ThrowsExactlyAsync<CacheArchiveException>(() => save);
        Assert.AreEqual(1, bucket.Proxy.Count(Kind.AbortUpload));
        Assert.AreEqual(0, bucket.Proxy.Count(Kind.CompleteUpload));
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() => backend.RestoreAsync("key-failed", [], Version, bucket.Temp.File("r"), TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task AStreamingRestorePublishesTheArchiveAsRangesArrive()
    {
        await using var bucket = await S3Bucket.StartAsync();
        var archive = bucket.Temp.RandomFile("stream.tgz", 5 * 1024 * 1024 + 7, seed: 4);
        var backend = bucket.Backend();
        await backend.SaveAsync("key-stream", Version, archive, TestContext.CancellationToken);

        var download = await backend.StartRestoreAsync("key-stream", [], Version, bucket.Temp.File("streamed"), TestContext.CancellationToken);
        var firstRange = await download.Archive.WaitForAvailableAsync(1024 * 1024, TestContext.CancellationToken);
        await download.Completion;

        Assert.IsGreaterThanOrEqualTo(1024 * 1024, firstRange);
        Assert.AreEqual(new FileInfo(archive).Length, await download.Archive.Completion);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(bucket.Temp.File("streamed")));
    }

    [TestMethod]
    public async Task SavingAKeyThatExistsSaysItExists()
    {
        await using var bucket = await S3Bucket.StartAsync();
        var backend = bucket.Backend();
        await backend.SaveAsync("key-once", Version, bucket.Temp.RandomFile("a", 1000, seed: 5), TestContext.CancellationToken);

        await Assert.ThrowsExactlyAsync<CacheAlreadyExistsException>(() =>
            backend.SaveAsync("key-once", Version, bucket.Temp.RandomFile("b", 1000, seed: 6), TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task AMissingKeyIsNotFound()
    {
        await using var bucket = await S3Bucket.StartAsync();
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() =>
            bucket.Backend().RestoreAsync("nothing-here", ["nothing-"], Version, bucket.Temp.File("r"), TestContext.CancellationToken));
    }
}
