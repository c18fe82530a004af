using Atmos.Cache.Azure.Tests.Infrastructure;
using Atmos.Cache.Backends;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;
using Azure.Storage.Sas;
using Kind = Atmos.Cache.Azure.Tests.Infrastructure.AzureFaultProxy.RequestKind;

namespace Atmos.Cache.Azure.Tests.Backend;

/// <summary>
/// A shared access signature instead of the key, what a SAS without a right does, and the same
/// container seen by another client (the official Azure SDK): it reads and lists what the package
/// saved, and the package restores what it uploaded.
/// </summary>
[TestClass]
public sealed class SasAndInteropTests
{
    private const string Version = "0123456789abcdef";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task WithASasTokenSaveRestoreListAndDeleteWork()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var backend = azure.SasBackend();
        var small = azure.Temp.RandomFile("small", 10_000, seed: 1);
        var large = azure.Temp.RandomFile("large", 5 * 1024 * 1024 + 3, seed: 2);

        await backend.SaveAsync("sas-small", Version, small, TestContext.CancellationToken);
        await backend.SaveAsync("sas-large", Version, large, TestContext.CancellationToken);
        var restored = azure.Temp.File("restored");
        await backend.RestoreAsync("sas-large", [], Version, restored, TestContext.CancellationToken);
        var listed = await backend.ListAsync(new CacheListOptions { KeyPrefix = "sas-" }, TestContext.CancellationToken);
        await backend.DeleteAsync("sas-small", TestContext.CancellationToken);
        var after = await backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken);

        Assert.AreEqual(TempFolder.Sha256(large), TempFolder.Sha256(restored));
        CollectionAssert.AreEquivalent(new[] { "sas-small", "sas-large" }, listed.Select(e => e.Key).ToList());
        CollectionAssert.AreEqual(new[] { "sas-large" }, after.Select(e => e.Key).ToList());
        Assert.IsTrue(azure.Proxy!.Seen.All(r => r.Authorization is null && r.Target.Contains("sig=", StringComparison.Ordinal)), "every request carries the SAS, none a key signature");
        Assert.IsGreaterThan(1, azure.Proxy.Count(Kind.PutBlock));
        Assert.DoesNotContain("sig=", azure.Logger.AllText.Replace("sig=***", "", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task ASasWithoutWriteRightsFailsTheSaveSayingWhatItNeedsAndLeavesNoBlob()
    {
        await using var azure = await AzureContainer.StartAsync();
        var sas = AzureContainer.ContainerSas(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List);
        var backend = azure.SasBackend(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List);

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            backend.SaveAsync("readonly", Version, azure.Temp.RandomFile("a", 1000, seed: 3), TestContext.CancellationToken));

        Assert.Contains("HTTP 403", error.Message);
        Assert.Contains("Storage Blob Data Contributor", error.Message);
        var signature = System.Web.HttpUtility.ParseQueryString(sas)["sig"]!;
        Assert.DoesNotContain(signature, error.Message + azure.Logger.AllText);
        Assert.IsFalse(await azure.Sdk.GetBlobClient(azure.BlobName(Version, "readonly")).ExistsAsync(TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task AWrongAccountKeyIsRefusedWithoutShowingTheKeyOrTheSignature()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var wrongKey = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("not-the-azurite-account-key-0123456789"));
        var backend = azure.Backend(key: wrongKey);

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken));

        Assert.Contains("HTTP 403", error.Message);
        // Azure answers a bad signature AuthenticationFailed; Azurite answers AuthorizationFailure.
        Assert.IsTrue(error.Message.Contains("(AuthenticationFailed)", StringComparison.Ordinal) || error.Message.Contains("(AuthorizationFailure)", StringComparison.Ordinal), error.Message);
        var authorization = azure.Proxy!.Seen.First().Authorization!;
        var signature = authorization[(authorization.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var everything = error + "\n" + azure.Logger.AllText;
        Assert.DoesNotContain(wrongKey, everything);
        Assert.DoesNotContain(signature, everything);
    }

    [TestMethod]
    public async Task AnEntrySavedByThePackageIsReadableAndListableByTheAzureSdk()
    {
        await using var azure = await AzureContainer.StartAsync();
        var archive = azure.Temp.RandomFile("saved", 3 * 1024 * 1024 + 11, seed: 4);
        await azure.Backend().SaveAsync("atmos-cache-linux-amd64-0123456789abcdef", Version, archive, TestContext.CancellationToken);

        var names = new List<(string Name, long? Length)>();
        await foreach (var blob in azure.Sdk.GetBlobsAsync(global::Azure.Storage.Blobs.Models.BlobTraits.None, global::Azure.Storage.Blobs.Models.BlobStates.None, azure.Prefix, cancellationToken: TestContext.CancellationToken))
        {
            names.Add((blob.Name, blob.Properties.ContentLength));
        }

        var content = await azure.Sdk.GetBlobClient(azure.BlobName(Version, "atmos-cache-linux-amd64-0123456789abcdef")).DownloadContentAsync(TestContext.CancellationToken);
        CollectionAssert.AreEqual(new[] { (azure.BlobName(Version, "atmos-cache-linux-amd64-0123456789abcdef"), (long?)new FileInfo(archive).Length) }, names);
        Assert.AreEqual(TempFolder.Sha256(archive), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content.Value.Content.ToArray())));
    }

    [TestMethod]
    public async Task ABlobUploadedByTheAzureSdkRestoresAndIsListedNewestFirst()
    {
        await using var azure = await AzureContainer.StartAsync();
        var older = azure.Temp.RandomFile("older", 2000, seed: 5);
        var newer = azure.Temp.RandomFile("newer", 3000, seed: 6);
        await azure.Sdk.GetBlobClient(azure.BlobName(Version, "tool-linux-aaa")).UploadAsync(older, TestContext.CancellationToken);
        await Task.Delay(1100, TestContext.CancellationToken);
        await azure.Sdk.GetBlobClient(azure.BlobName(Version, "tool-linux-bbb")).UploadAsync(newer, TestContext.CancellationToken);
        var backend = azure.Backend();

        var restored = azure.Temp.File("restored");
        var match = await backend.RestoreAsync("tool-linux-ccc", ["tool-linux-"], Version, restored, TestContext.CancellationToken);
        var listed = await backend.ListAsync(new CacheListOptions { KeyPrefix = "tool-" }, TestContext.CancellationToken);

        Assert.AreEqual("tool-linux-bbb", match.MatchedKey, "the newest by creation time");
        Assert.AreEqual(TempFolder.Sha256(newer), TempFolder.Sha256(restored));
        CollectionAssert.AreEqual(new[] { "tool-linux-bbb", "tool-linux-aaa" }, listed.Select(e => e.Key).ToList());
        Assert.IsTrue(listed.All(e => e.Version == Version && e.CreatedAt is not null));
    }
}
