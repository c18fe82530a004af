using System.Formats.Tar;
using System.IO.Compression;
using Atmos.Cache.Build.Tests.EndToEnd.GitHub;
using Atmos.Cache.Build.Tests.Support;
using Atmos.Cache.Testing;
using Atmos.Cache.Testing.Azurite;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace Atmos.Cache.Build.Tests.EndToEnd.Azure;

/// <summary>
/// Real <c>dotnet build</c>s with <c>AtmosCacheBackend=azure/blob</c> against Azurite on 127.0.0.1,
/// as an Azure Pipelines job would run them with <c>AZURE_STORAGE_CONNECTION_STRING</c>: a miss and
/// a save, an exact hit on a fresh root, a prefix hit after the lockfile changed, list and delete
/// with a SAS and the settings as MSBuild properties, a damaged entry healed, a gzip tar uploaded by
/// the official Azure SDK restored, and two builds saving the same new key at the same moment.
/// </summary>
[TestClass]
public sealed class AzureLifecycleTests
{
    private const string Container = "atmos-build-tests";
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static GitHubWorkspace _workspace = null!;

    [ClassInitialize]
    public static async Task CreateAsync(TestContext _) => _workspace = await GitHubWorkspace.CreateAsync("App", "Left", "Right");

    [ClassCleanup]
    public static void Cleanup() => _workspace.Dispose();

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task MissSaveExactHitPrefixHitListAndDelete()
    {
        var (endpoint, prefix, environment) = await EnvironmentAsync();
        const string oldLock = "tools:\n  opentofu: 1.8.0\n";
        const string newLock = "tools:\n  opentofu: 1.8.5\n";
        var oldKey = GitHubWorkspace.DefaultKey(oldLock);
        var newKey = GitHubWorkspace.DefaultKey(newLock);

        // Job 1: a miss, then the save after the build.
        var first = _workspace.NewRoot("first");
        GitHubWorkspace.WriteLockfile(first, oldLock);
        TempFolder.WriteRandom(Path.Combine(first, "tools", "opentofu", "bin"), 3 * 1024 * 1024, seed: 7);
        var binlog = _workspace.Workspace.Combine("azure-first.binlog");
        var save = await _workspace.BuildAsync("App/App.csproj", first, environment, "-v:d", "-bl:" + binlog);
        save.AssertSucceeded("first build");
        Assert.AreEqual(1, Summaries.Misses(save), save.Tail());
        Assert.AreEqual(1, save.Count($"Atmos cache [atmos]: saved '{oldKey}'"), save.Tail());
        BuildOutput.AssertNoCacheWarning(save, "first build");
        var saved = TreeSnapshot.Of(first);

        // Job 2: a fresh root with the same lockfile gets an exact hit and skips the save.
        var second = _workspace.NewRoot("second");
        GitHubWorkspace.WriteLockfile(second, oldLock);
        var hit = await _workspace.BuildAsync("App/App.csproj", second, environment, "-v:d");
        hit.AssertSucceeded("second build");
        Assert.AreEqual(1, Summaries.ExactHits(hit), hit.Tail());
        Assert.AreEqual(1, hit.Count($"Atmos cache [atmos]: save skipped for '{oldKey}': exact cache hit"), hit.Tail());
        BuildOutput.AssertNoCacheWarning(hit, "second build");
        CollectionAssert.AreEqual(saved.ToArray(), TreeSnapshot.Of(second).ToArray(), "the restored tree is the saved tree, byte for byte");

        // Job 3: a changed lockfile restores the old entry by prefix and saves under the new key.
        var third = _workspace.NewRoot("third");
        GitHubWorkspace.WriteLockfile(third, newLock);
        var prefixHit = await _workspace.BuildAsync("App/App.csproj", third, environment);
        prefixHit.AssertSucceeded("third build");
        Assert.AreEqual(1, prefixHit.Count($"Atmos cache [atmos]: restored '{oldKey}' for '{newKey}' (prefix hit"), prefixHit.Tail());
        Assert.AreEqual(1, prefixHit.Count($"Atmos cache [atmos]: saved '{newKey}'"), prefixHit.Tail());
        BuildOutput.AssertNoCacheWarning(prefixHit, "third build");

        // List and delete by hand with a container SAS, the settings as MSBuild properties instead of variables.
        var sas = ContainerSas();
        var properties = new[]
        {
            "-p:AtmosCacheBackend=azure/blob", $"-p:AtmosCacheAzureContainer={Container}", $"-p:AtmosCacheAzurePrefix={prefix}",
            $"-p:AtmosCacheAzureAccountUrl={endpoint}",
        };
        var sasOnly = new Dictionary<string, string> { ["AZURE_STORAGE_SAS_TOKEN"] = sas };
        var root = _workspace.NewRoot("admin");
        var list = await _workspace.BuildAsync("App/App.csproj", root, sasOnly, ["-t:ListCiCache", "-p:AtmosCacheListPrefix=atmos-cache-", .. properties]);
        list.AssertSucceeded("-t:ListCiCache");
        Assert.AreEqual(1, list.Count("Atmos cache: 2 entries with prefix 'atmos-cache-' in the azure/blob cache"), list.Tail());
        Assert.AreEqual(1, list.Lines.Count(line => line.Contains($"  {oldKey}  ", StringComparison.Ordinal)), list.Tail());
        Assert.AreEqual(1, list.Lines.Count(line => line.Contains($"  {newKey}  ", StringComparison.Ordinal)), list.Tail());

        var delete = await _workspace.BuildAsync("App/App.csproj", root, sasOnly, ["-t:DeleteCiCache", $"-p:AtmosCacheDeleteKey={oldKey}", .. properties]);
        delete.AssertSucceeded("-t:DeleteCiCache");
        Assert.AreEqual(1, delete.Count($"Atmos cache: deleted '{oldKey}' from the azure/blob cache"), delete.Tail());
        var after = await _workspace.BuildAsync("App/App.csproj", root, sasOnly, ["-t:ListCiCache", .. properties]);
        Assert.AreEqual(1, after.Count("Atmos cache: 1 entry in the azure/blob cache"), after.Tail());

        var recorded = BinlogText(binlog);
        Assert.Contains($"Atmos cache [atmos]: saved '{oldKey}'", recorded, "the binary log was read");
        Assert.DoesNotContain(Key, recorded, "the account key never reaches the binary log");
        var signature = System.Web.HttpUtility.ParseQueryString(sas)["sig"]!;
        foreach (var build in new[] { save, hit, prefixHit, list, delete, after })
        {
            Assert.AreEqual(0, build.Count(Key), "the account key never reaches the build output");
            Assert.AreEqual(0, build.Count(signature), "nor the SAS signature");
            Assert.AreEqual(0, build.Count("SharedKey " + Account + ":"), "nor a Shared Key signature");
        }
    }

    [TestMethod]
    public async Task ADamagedEntryGivesOneCodedWarningIsDeletedAndTheSameBuildSavesItAgain()
    {
        var (_, prefix, environment) = await EnvironmentAsync();
        const string lockfile = "tools:\n  damaged: 1.0.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        var first = _workspace.NewRoot("damaged-first");
        GitHubWorkspace.WriteLockfile(first, lockfile);
        TempFolder.WriteRandom(Path.Combine(first, "tools", "bin"), 300 * 1024, seed: 3);
        (await _workspace.BuildAsync("App/App.csproj", first, environment)).AssertSucceeded("first build");
        var blob = (await ContainerAsync()).GetBlobClient(prefix + EmulatorSession.GzipVersion + "/" + key);
        var bytes = (await blob.DownloadContentAsync(TestContext.CancellationToken)).Value.Content.ToArray();
        bytes[bytes.Length / 2] ^= 0x5a;
        await blob.UploadAsync(new BinaryData(bytes), overwrite: true, TestContext.CancellationToken);
        var second = _workspace.NewRoot("damaged-second");
        GitHubWorkspace.WriteLockfile(second, lockfile);

        var healing = await _workspace.BuildAsync("App/App.csproj", second, environment, "-p:E2EExpectRestore=false");
        var third = _workspace.NewRoot("damaged-third");
        GitHubWorkspace.WriteLockfile(third, lockfile);
        var next = await _workspace.BuildAsync("App/App.csproj", third, environment);

        healing.AssertSucceeded("build that finds the damaged entry");
        var warnings = BuildOutput.CacheWarnings(healing);
        Assert.HasCount(1, warnings, healing.Tail());
        StringAssert.Contains(warnings[0], "warning ATMOSCACHE007");
        StringAssert.Contains(warnings[0], $"'{key}' is corrupt");
        StringAssert.Contains(warnings[0], "deleted from the Azure blob container");
        Assert.IsFalse(File.Exists(Path.Combine(second, "tools", "bin")), "nothing of the damaged entry reached the root");
        Assert.AreEqual(1, healing.Count($"Atmos cache [atmos]: saved '{key}'"), healing.Tail());
        next.AssertSucceeded("next build");
        Assert.AreEqual(1, Summaries.ExactHits(next), next.Tail());
        CollectionAssert.AreEqual(TreeSnapshot.Of(second).ToArray(), TreeSnapshot.Of(third).ToArray());
    }

    [TestMethod]
    public async Task AGzipTarUploadedByTheAzureSdkRestoresThroughDotnetBuild()
    {
        var (_, prefix, environment) = await EnvironmentAsync();
        const string lockfile = "tools:\n  from-sdk: 2.0.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        using var archive = new MemoryStream();
        await using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "tools/"), TestContext.CancellationToken);
            var file = new PaxTarEntry(TarEntryType.RegularFile, "tools/hello.txt") { DataStream = new MemoryStream("uploaded by the Azure SDK\n"u8.ToArray()) };
            await tar.WriteEntryAsync(file, TestContext.CancellationToken);
        }

        archive.Position = 0;
        await (await ContainerAsync()).GetBlobClient(prefix + EmulatorSession.GzipVersion + "/" + key).UploadAsync(archive, TestContext.CancellationToken);
        var root = _workspace.NewRoot("from-sdk");
        GitHubWorkspace.WriteLockfile(root, lockfile);

        var build = await _workspace.BuildAsync("App/App.csproj", root, environment);

        build.AssertSucceeded("build restoring the SDK's upload");
        Assert.AreEqual(1, Summaries.ExactHits(build), build.Tail());
        BuildOutput.AssertNoCacheWarning(build, "build restoring the SDK's upload");
        Assert.AreEqual("uploaded by the Azure SDK\n", await File.ReadAllTextAsync(Path.Combine(root, "tools", "hello.txt"), TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task TwoBuildsSavingTheSameNewKeyAtOnceBothSucceedAndOneCompleteBlobRemains()
    {
        var (_, prefix, environment) = await EnvironmentAsync();
        const string lockfile = "tools:\n  racing: 1.0.0\n";
        var key = GitHubWorkspace.DefaultKey(lockfile);
        var left = _workspace.NewRoot("left");
        var right = _workspace.NewRoot("right");
        foreach (var (root, seed) in new[] { (left, 11), (right, 12) })
        {
            GitHubWorkspace.WriteLockfile(root, lockfile);
            // Past the 32 MiB single-shot limit: both stage blocks, and only the block list commit decides.
            TempFolder.WriteRandom(Path.Combine(root, "tools", "big.bin"), 40 * 1024 * 1024, seed);
        }

        var leftReady = _workspace.Workspace.Combine($"left-{Guid.NewGuid():N}.ready");
        var rightReady = _workspace.Workspace.Combine($"right-{Guid.NewGuid():N}.ready");

        // Each build, once restored (a miss for both), waits for the other, so both saves race.
        var builds = await Task.WhenAll(
            _workspace.BuildAsync("Left/Left.csproj", left, environment, "-v:d", "-p:E2EReadyFile=" + leftReady, "-p:E2EWaitForFile=" + rightReady),
            _workspace.BuildAsync("Right/Right.csproj", right, environment, "-v:d", "-p:E2EReadyFile=" + rightReady, "-p:E2EWaitForFile=" + leftReady));

        builds[0].AssertSucceeded("left build");
        builds[1].AssertSucceeded("right build");
        var outputs = string.Join("\n----\n", builds.Select(build => build.Tail()));
        Assert.AreEqual(2, builds.Sum(Summaries.Misses), outputs);
        Assert.AreEqual(1, builds.Sum(build => build.Count($"Atmos cache [atmos]: saved '{key}'")), outputs);
        Assert.AreEqual(1, builds.Sum(build => build.Count($"Atmos cache [atmos]: save skipped for '{key}': already exists remotely")), outputs);
        builds.ToList().ForEach(build => BuildOutput.AssertNoCacheWarning(build, "concurrent build"));
        var blobs = new List<BlobItem>();
        await foreach (var blob in (await ContainerAsync()).GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, TestContext.CancellationToken))
        {
            blobs.Add(blob);
        }

        Assert.HasCount(1, blobs, "exactly one blob for the key");
        var winner = builds[0].Count($"Atmos cache [atmos]: saved '{key}'") == 1 ? left : right;
        var fresh = _workspace.NewRoot("after-race");
        GitHubWorkspace.WriteLockfile(fresh, lockfile);
        var hit = await _workspace.BuildAsync("App/App.csproj", fresh, environment);
        hit.AssertSucceeded("build after the race");
        Assert.AreEqual(1, Summaries.ExactHits(hit), hit.Tail());
        Assert.AreEqual(TempFolder.Sha256(Path.Combine(winner, "tools", "big.bin")), TempFolder.Sha256(Path.Combine(fresh, "tools", "big.bin")), "the blob is the winner's content, complete");
    }

    /// <summary>The shared Azurite, a unique prefix, and a job's variables: the backend and container as ATMOS_CI_CACHE_*, the account as a connection string.</summary>
    private static async Task<(Uri Endpoint, string Prefix, Dictionary<string, string> Environment)> EnvironmentAsync()
    {
        var endpoint = await SharedAzurite.BlobEndpointAsync();
        await (await ContainerAsync()).CreateIfNotExistsAsync();
        var prefix = $"e2e/{Guid.NewGuid():N}/";
        return (endpoint, prefix, new Dictionary<string, string>
        {
            ["ATMOS_CI_CACHE_BACKEND"] = "azure/blob",
            ["ATMOS_CI_CACHE_AZURE_CONTAINER"] = Container,
            ["ATMOS_CI_CACHE_AZURE_PREFIX"] = prefix,
            ["AZURE_STORAGE_CONNECTION_STRING"] = $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint={endpoint};",
        });
    }

    private static async Task<BlobContainerClient> ContainerAsync() =>
        new(new Uri(await SharedAzurite.BlobEndpointAsync() + "/" + Container), new StorageSharedKeyCredential(Account, Key));

    private static string ContainerSas()
    {
        var builder = new BlobSasBuilder { BlobContainerName = Container, Resource = "c", ExpiresOn = DateTimeOffset.UtcNow.AddHours(1) };
        builder.SetPermissions(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List | BlobContainerSasPermissions.Delete);
        return builder.ToSasQueryParameters(new StorageSharedKeyCredential(Account, Key)).ToString();
    }

    /// <summary>The strings of a binary log: its records are a gzip stream holding strings as UTF-8.</summary>
    private static string BinlogText(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }
}
