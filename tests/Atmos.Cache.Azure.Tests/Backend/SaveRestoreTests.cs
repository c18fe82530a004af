using Atmos.Cache.Azure.Tests.Infrastructure;
using Atmos.Cache.Errors;
using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;
using Kind = Atmos.Cache.Azure.Tests.Infrastructure.AzureFaultProxy.RequestKind;

namespace Atmos.Cache.Azure.Tests.Backend;

/// <summary>Save and restore through Azurite with Shared Key signing: one Put Blob, staged blocks, ranged downloads, write-once.</summary>
[TestClass]
public sealed class SaveRestoreTests
{
    private const string Version = "0123456789abcdef";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ASmallArchiveGoesUpInOneConditionalPutAndComesBackWhole()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var archive = azure.Temp.RandomFile("small.tgz", 100_000, seed: 1);
        var backend = azure.Backend();

        await backend.SaveAsync("key-small", Version, archive, TestContext.CancellationToken);
        var restored = azure.Temp.File("restored");
        var match = await backend.RestoreAsync("key-small", [], Version, restored, TestContext.CancellationToken);

        Assert.AreEqual("key-small", match.MatchedKey);
        Assert.AreEqual(100_000, match.Size);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        var put = azure.Proxy!.Seen.Single(r => r.Kind == Kind.PutBlob);
        Assert.AreEqual("*", put.IfNoneMatch, "Put Blob is write-once");
        StringAssert.StartsWith(put.Authorization, $"SharedKey {AzureContainer.Account}:");
        Assert.AreEqual(0, azure.Proxy.Count(Kind.PutBlock));
    }

    [TestMethod]
    public async Task ALargeArchiveGoesUpAsParallelBlocksAndComesBackThroughParallelRanges()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var archive = azure.Temp.RandomFile("large.tgz", 12 * 1024 * 1024 + 12345, seed: 2);
        var backend = azure.Backend();

        await backend.SaveAsync("key-large", Version, archive, TestContext.CancellationToken);
        var restored = azure.Temp.File("restored");
        var match = await backend.RestoreAsync("key-large", [], Version, restored, TestContext.CancellationToken);

        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
        Assert.AreEqual(new FileInfo(archive).Length, match.Size);
        Assert.AreEqual(13, azure.Proxy!.Count(Kind.PutBlock));
        Assert.AreEqual(1, azure.Proxy.Count(Kind.PutBlockList));
        Assert.AreEqual("*", azure.Proxy.Seen.Single(r => r.Kind == Kind.PutBlockList).IfNoneMatch, "Put Block List is write-once");
        Assert.AreEqual(13, azure.Proxy.Count(Kind.RangedGet));
        Assert.IsGreaterThan(1, azure.Proxy.MaxInFlight(Kind.PutBlock), "blocks in parallel");
        Assert.IsGreaterThan(1, azure.Proxy.MaxInFlight(Kind.RangedGet), "ranges in parallel");
    }

    [TestMethod]
    public async Task AGrowingArchiveStagesBlocksBeforeItIsFinished()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var source = azure.Temp.RandomFile("source", 6 * 1024 * 1024, seed: 3);
        var path = azure.Temp.File("growing.tgz");
        var growing = new GrowingArchive(path);
        var bytes = await File.ReadAllBytesAsync(source, TestContext.CancellationToken);
        var backend = azure.Backend();

        await using (var writer = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            // The first 4 MiB are there: past the single-shot limit, so the upload starts with blocks.
            await writer.WriteAsync(bytes.AsMemory(0, 4 * 1024 * 1024), TestContext.CancellationToken);
            await writer.FlushAsync(TestContext.CancellationToken);
            growing.ReportAvailable(4 * 1024 * 1024);
            var save = backend.SaveAsync("key-growing", Version, growing, TestContext.CancellationToken);

            await azure.Proxy!.WaitForAsync(Kind.PutBlock, 4, TestContext.CancellationToken);
            Assert.IsFalse(save.IsCompleted, "the entry is not complete while the archive is still being written");
            Assert.AreEqual(0, azure.Proxy.Count(Kind.PutBlockList));
            Assert.IsFalse(await azure.Sdk.GetBlobClient(azure.BlobName(Version, "key-growing")).ExistsAsync(TestContext.CancellationToken), "no blob is visible yet");

            await writer.WriteAsync(bytes.AsMemory(4 * 1024 * 1024), TestContext.CancellationToken);
            await writer.FlushAsync(TestContext.CancellationToken);
            growing.Complete(bytes.Length);
            await save;
        }

        var restored = azure.Temp.File("restored");
        await backend.RestoreAsync("key-growing", [], Version, restored, TestContext.CancellationToken);
        Assert.AreEqual(TempFolder.Sha256(source), TempFolder.Sha256(restored));
        Assert.AreEqual(6, azure.Proxy.Count(Kind.PutBlock));
    }

    [TestMethod]
    public async Task AFailedArchiveLeavesNoBlob()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var path = azure.Temp.File("failing.tgz");
        await File.WriteAllBytesAsync(path, new byte[3 * 1024 * 1024], TestContext.CancellationToken);
        var growing = new GrowingArchive(path);
        growing.ReportAvailable(3 * 1024 * 1024);
        var backend = azure.Backend();

        var save = backend.SaveAsync("key-failed", Version, growing, TestContext.CancellationToken);
        await azure.Proxy!.WaitForAsync(Kind.PutBlock, 3, TestContext.CancellationToken);
        growing.Fail(new CacheArchiveException("the archive could not be written"));

        await Assert.ThrowsExactlyAsync<CacheArchiveException>(() => save);
        Assert.AreEqual(0, azure.Proxy.Count(Kind.PutBlockList));
        Assert.IsFalse(await azure.Sdk.GetBlobClient(azure.BlobName(Version, "key-failed")).ExistsAsync(TestContext.CancellationToken));
        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() => backend.RestoreAsync("key-failed", [], Version, azure.Temp.File("r"), TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task AStreamingRestorePublishesTheArchiveAsRangesArrive()
    {
        await using var azure = await AzureContainer.StartAsync();
        var archive = azure.Temp.RandomFile("stream.tgz", 5 * 1024 * 1024 + 7, seed: 4);
        var backend = azure.Backend();
        await backend.SaveAsync("key-stream", Version, archive, TestContext.CancellationToken);

        var download = await backend.StartRestoreAsync("key-stream", [], Version, azure.Temp.File("streamed"), TestContext.CancellationToken);
        var firstRange = await download.Archive.WaitForAvailableAsync(1024 * 1024, TestContext.CancellationToken);
        await download.Completion;

        Assert.IsGreaterThanOrEqualTo(1024 * 1024, firstRange);
        Assert.AreEqual(new FileInfo(archive).Length, await download.Archive.Completion);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(azure.Temp.File("streamed")));
    }

    [TestMethod]
    public async Task SavingAKeyThatExistsSaysItExistsAndKeepsTheFirstContent()
    {
        await using var azure = await AzureContainer.StartAsync();
        var backend = azure.Backend();
        var first = azure.Temp.RandomFile("a", 1000, seed: 5);
        await backend.SaveAsync("key-once", Version, first, TestContext.CancellationToken);

        await Assert.ThrowsExactlyAsync<CacheAlreadyExistsException>(() =>
            backend.SaveAsync("key-once", Version, azure.Temp.RandomFile("b", 1000, seed: 6), TestContext.CancellationToken));

        var restored = azure.Temp.File("r");
        await backend.RestoreAsync("key-once", [], Version, restored, TestContext.CancellationToken);
        Assert.AreEqual(TempFolder.Sha256(first), TempFolder.Sha256(restored));
    }

    [TestMethod]
    public async Task AKeyWithSpacesPlusAndUnicodeIsSignedAndStoredUnderItsName()
    {
        await using var azure = await AzureContainer.StartAsync();
        var backend = azure.Backend();
        const string key = "odd key+plus=é&more";
        var archive = azure.Temp.RandomFile("odd", 3 * 1024 * 1024, seed: 7);

        await backend.SaveAsync(key, Version, archive, TestContext.CancellationToken);

        Assert.IsTrue(await azure.Sdk.GetBlobClient(azure.BlobName(Version, key)).ExistsAsync(TestContext.CancellationToken));
        var restored = azure.Temp.File("r");
        await backend.RestoreAsync(key, [], Version, restored, TestContext.CancellationToken);
        Assert.AreEqual(TempFolder.Sha256(archive), TempFolder.Sha256(restored));
    }

    [TestMethod]
    public async Task AMissingKeyIsNotFoundAndALookupTransfersNothing()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var backend = azure.Backend();
        await backend.SaveAsync("present", Version, azure.Temp.RandomFile("a", 5000, seed: 8), TestContext.CancellationToken);

        await Assert.ThrowsExactlyAsync<CacheNotFoundException>(() =>
            backend.RestoreAsync("nothing-here", ["nothing-"], Version, azure.Temp.File("r"), TestContext.CancellationToken));
        var looked = await backend.LookUpAsync("present", [], Version, TestContext.CancellationToken);

        Assert.AreEqual(new Backends.CacheMatch("present", 5000), looked);
        Assert.AreEqual(0, azure.Proxy!.Count(Kind.RangedGet) + azure.Proxy.Count(Kind.Get));
    }
}
