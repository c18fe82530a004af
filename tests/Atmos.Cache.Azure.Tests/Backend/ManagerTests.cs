using Atmos.Cache.Azure.Tests.Infrastructure;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Operations;
using Atmos.Cache.Root;
using Atmos.Cache.Testing;
using Fault = Atmos.Cache.Azure.Tests.Infrastructure.AzureFaultProxy.FaultKind;
using Kind = Atmos.Cache.Azure.Tests.Infrastructure.AzureFaultProxy.RequestKind;

namespace Atmos.Cache.Azure.Tests.Backend;

/// <summary>The cache manager over the azure/blob backend and Azurite: the streaming save and restore paths end to end.</summary>
[TestClass]
public sealed class ManagerTests
{
    private const string Key = "atmos-cache-linux-amd64-0123456789abcdef";
    private const string RestorePrefix = "atmos-cache-linux-amd64-";

    [TestMethod]
    public async Task MissSaveExactHitAndPrefixHitRestoreIdenticalContent()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        var source = MakeRoot(azure, "source");

        var miss = await Manager(azure, source, Key).RestoreAsync();
        var saved = await Manager(azure, source, Key).SaveAsync();
        var exact = Path.Combine(azure.Temp.Path, "exact");
        var hit = await Manager(azure, exact, Key).RestoreAsync();
        var prefix = Path.Combine(azure.Temp.Path, "prefix");
        var prefixHit = await Manager(azure, prefix, RestorePrefix + "fedcba9876543210", [RestorePrefix]).RestoreAsync();

        Assert.IsFalse(miss.Hit);
        Assert.IsTrue(saved.Saved);
        Assert.IsTrue(hit.Hit && hit.Exact);
        Assert.IsTrue(prefixHit.Hit && !prefixHit.Exact);
        Assert.AreEqual(Key, prefixHit.MatchedKey);
        CollectionAssert.AreEquivalent(Snapshot(source).ToList(), Snapshot(exact).ToList());
        CollectionAssert.AreEquivalent(Snapshot(source).ToList(), Snapshot(prefix).ToList());
        Assert.IsGreaterThan(1, azure.Proxy!.Count(Kind.PutBlock), "the archive went up in staged blocks");
        Assert.IsGreaterThan(2, azure.Proxy.Count(Kind.RangedGet), "and came back in ranges");
    }

    [TestMethod]
    public async Task ADownloadCutShortForGoodFailsTheRestoreAndLeavesTheRootUnchanged()
    {
        await using var azure = await AzureContainer.StartAsync(withProxy: true);
        await Manager(azure, MakeRoot(azure, "source"), Key).SaveAsync();
        var root = Path.Combine(azure.Temp.Path, "root");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "existing.txt"), "keep me");
        var before = Snapshot(root).ToList();
        azure.Proxy!.Inject(Kind.RangedGet, Fault.Cut, times: 1000);

        await Assert.ThrowsExactlyAsync<CacheBackendException>(() => Manager(azure, root, Key).RestoreAsync());

        CollectionAssert.AreEquivalent(before, Snapshot(root).ToList());
    }

    private static CacheManager Manager(AzureContainer azure, string root, string key, IReadOnlyList<string>? restoreKeys = null)
    {
        Directory.CreateDirectory(root);
        var config = new CacheConfig
        {
            Root = root,
            Key = key,
            RestoreKeys = restoreKeys ?? [],
            Backend = BackendNames.AzureBlob,
            LocalDirectory = Path.Combine(azure.Temp.Path, "unused-local-store"),
            WorkingDirectory = azure.Temp.Path,
        };
        return new CacheManager(azure.Backend(), config, azure.Logger);
    }

    private static string MakeRoot(AzureContainer azure, string name)
    {
        var root = Path.Combine(azure.Temp.Path, name);
        Directory.CreateDirectory(Path.Combine(root, "toolchain", "bin"));
        File.WriteAllText(Path.Combine(root, "toolchain", "toolchain.lock.yaml"), $"tools: [{name}]\n");
        File.Move(azure.Temp.RandomFile(name + "-tool", 5_500_000, seed: name.Length), Path.Combine(root, "toolchain", "bin", "tool"));
        return root;
    }

    private static IEnumerable<string> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(relative => !relative.StartsWith(CachePaths.StateFolder + "/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(relative => $"{relative} {TempFolder.Sha256(Path.Combine(root, relative))}");
}
