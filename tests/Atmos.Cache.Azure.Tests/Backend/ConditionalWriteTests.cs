using Atmos.Cache.Azure.Tests.Infrastructure;
using Atmos.Cache.Backends.Blob;
using Atmos.Cache.Backends.GitHub;
using Atmos.Cache.Backends.GitHub.Http;
using Atmos.Cache.Backends.Azure.Credentials;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Streaming;
using Atmos.Cache.Testing;
using Kind = Atmos.Cache.Azure.Tests.Infrastructure.AzureFaultProxy.RequestKind;

namespace Atmos.Cache.Azure.Tests.Backend;

/// <summary>
/// Write-once through <c>If-None-Match: *</c> against Azurite: a conditional Put Blob or Put Block
/// List never replaces a blob, and two jobs saving the same new key at the same moment leave exactly
/// one complete blob.
/// </summary>
[TestClass]
public sealed class ConditionalWriteTests
{
    private const string Version = "0123456789abcdef";
    private const int MiB = 1024 * 1024;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AConditionalPutBlobOverAnExistingBlobIsRefusedAndChangesNothing()
    {
        await using var azure = await AzureContainer.StartAsync();
        var name = azure.BlobName(Version, "taken");
        var first = azure.Temp.RandomFile("first", 1000, seed: 1);
        await azure.Sdk.GetBlobClient(name).UploadAsync(first, TestContext.CancellationToken);

        var upload = await Uploader(azure).UploadAsync(BlobUrl(azure, name), azure.Temp.RandomFile("second", 1000, seed: 2), TestContext.CancellationToken);

        Assert.IsFalse(upload.Written);
        Assert.AreEqual(TempFolder.Sha256(first), await Sha256Async(azure, name));
    }

    [TestMethod]
    public async Task AConditionalPutBlockListOverAnExistingBlobIsRefusedAndChangesNothing()
    {
        await using var azure = await AzureContainer.StartAsync();
        var name = azure.BlobName(Version, "taken-large");
        var first = azure.Temp.RandomFile("first", 1000, seed: 3);
        await azure.Sdk.GetBlobClient(name).UploadAsync(first, TestContext.CancellationToken);

        var upload = await Uploader(azure).UploadAsync(BlobUrl(azure, name), azure.Temp.RandomFile("second", 5 * MiB, seed: 4), TestContext.CancellationToken);

        Assert.IsFalse(upload.Written);
        Assert.AreEqual(TempFolder.Sha256(first), await Sha256Async(azure, name));
    }

    [TestMethod]
    public async Task TwoSavesOfTheSameNewKeyAtOnceLeaveOneCompleteBlob()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var (pathA, bytesA, growingA) = await PartlyWrittenAsync(azure, "a", seed: 5);
        var (pathB, bytesB, growingB) = await PartlyWrittenAsync(azure, "b", seed: 6);

        // Both pass the existence check and stage blocks before either commits.
        var saveA = azure.Backend().SaveAsync("racing", Version, growingA, TestContext.CancellationToken);
        var saveB = azure.Backend().SaveAsync("racing", Version, growingB, TestContext.CancellationToken);
        await azure.Proxy!.WaitForAsync(Kind.PutBlock, 6, TestContext.CancellationToken);
        Assert.AreEqual(0, azure.Proxy.Count(Kind.PutBlockList));
        await FinishAsync(pathA, bytesA, growingA);
        await FinishAsync(pathB, bytesB, growingB);
        var outcomes = await Task.WhenAll(Outcome(saveA), Outcome(saveB));

        Assert.AreEqual(1, outcomes.Count(o => o is null), "one save wrote the blob: " + string.Join(", ", outcomes));
        Assert.AreEqual(1, outcomes.Count(o => o is CacheAlreadyExistsException), "the other found it taken");
        Assert.AreEqual(2, azure.Proxy.Count(Kind.PutBlockList));
        var blobs = new List<string>();
        await foreach (var blob in azure.Sdk.GetBlobsAsync(global::Azure.Storage.Blobs.Models.BlobTraits.None, global::Azure.Storage.Blobs.Models.BlobStates.None, azure.Prefix, cancellationToken: TestContext.CancellationToken))
        {
            blobs.Add(blob.Name);
        }

        Assert.HasCount(1, blobs);
        var stored = await Sha256Async(azure, azure.BlobName(Version, "racing"));
        var winner = outcomes[0] is null ? bytesA : bytesB;
        Assert.AreEqual(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(winner)), stored, "the blob is the winner's archive, whole, without the other's blocks");
    }

    [TestMethod]
    public async Task TwoManagersSavingTheSameKeyAtOnceBothSucceed()
    {
        await using var azure = await AzureContainer.StartAsync();
        var roots = new[] { "one", "two" }.Select(name =>
        {
            var root = Path.Combine(azure.Temp.Path, name);
            Directory.CreateDirectory(Path.Combine(root, "tools"));
            File.Move(azure.Temp.RandomFile(name + "-tool", 4 * MiB, seed: name.Length), Path.Combine(root, "tools", "tool"));
            return root;
        }).ToArray();

        var results = await Task.WhenAll(roots.Select(root => Manager(azure, root).SaveAsync()));

        Assert.IsTrue(results.All(r => r.Saved), string.Join(" | ", results.Select(r => r.ToString())));
        var blobs = new List<long>();
        await foreach (var blob in azure.Sdk.GetBlobsAsync(global::Azure.Storage.Blobs.Models.BlobTraits.None, global::Azure.Storage.Blobs.Models.BlobStates.None, azure.Prefix, cancellationToken: TestContext.CancellationToken))
        {
            blobs.Add(blob.Properties.ContentLength ?? -1);
        }

        Assert.HasCount(1, blobs);
        var restored = Path.Combine(azure.Temp.Path, "restored");
        var restore = await Manager(azure, restored).RestoreAsync();
        Assert.IsTrue(restore.Hit && restore.Exact);
        var tool = await File.ReadAllBytesAsync(Path.Combine(restored, "tools", "tool"), TestContext.CancellationToken);
        Assert.IsTrue(roots.Any(root => File.ReadAllBytes(Path.Combine(root, "tools", "tool")).AsSpan().SequenceEqual(tool)), "the entry is one of the two roots, complete");
    }

    private static CacheManager Manager(AzureContainer azure, string root)
    {
        Directory.CreateDirectory(root);
        var config = new CacheConfig
        {
            Root = root,
            Key = "atmos-cache-linux-amd64-race",
            RestoreKeys = [],
            Backend = BackendNames.AzureBlob,
            LocalDirectory = Path.Combine(azure.Temp.Path, "unused-local-store"),
            WorkingDirectory = azure.Temp.Path,
        };
        return new CacheManager(azure.Backend(), config, azure.Logger);
    }

    private static async Task<Exception?> Outcome(Task save)
    {
        try
        {
            await save;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private async Task<(string Path, byte[] Bytes, GrowingArchive Archive)> PartlyWrittenAsync(AzureContainer azure, string name, int seed)
    {
        var bytes = await File.ReadAllBytesAsync(azure.Temp.RandomFile(name + "-source", 5 * MiB, seed), TestContext.CancellationToken);
        var path = azure.Temp.File(name + ".tgz");
        await File.WriteAllBytesAsync(path, bytes.AsMemory(0, 3 * MiB).ToArray(), TestContext.CancellationToken);
        var growing = new GrowingArchive(path);
        growing.ReportAvailable(3 * MiB);
        return (path, bytes, growing);
    }

    private static async Task FinishAsync(string path, byte[] bytes, GrowingArchive growing)
    {
        await File.WriteAllBytesAsync(path, bytes);
        growing.Complete(bytes.Length);
    }

    private static BlobUploader Uploader(AzureContainer azure) =>
        new(new BlobSender(new HttpClient(), new SharedKeySigner(AzureContainer.Account, AzureContainer.Key), "test"),
            new RetryPolicy(new RetrySettings { MaxAttempts = 2, Delay = azure.Delays.Delay }, SecretRedactor.Empty, azure.Logger),
            AzureContainer.SmallPieces, SecretRedactor.Empty, azure.Logger, writeOnce: true);

    private static Uri BlobUrl(AzureContainer azure, string name) => new(azure.Azurite + "/" + AzureContainer.Name + "/" + name);

    private async Task<string> Sha256Async(AzureContainer azure, string name)
    {
        var content = await azure.Sdk.GetBlobClient(name).DownloadContentAsync(TestContext.CancellationToken);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content.Value.Content.ToArray()));
    }
}
