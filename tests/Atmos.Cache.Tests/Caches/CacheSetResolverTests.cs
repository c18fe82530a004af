using Atmos.Cache.Archiving;
using Atmos.Cache.Caches;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Caches;

[TestClass]
public sealed class CacheSetResolverTests
{
    private readonly TempFolder _temp = new();

    [TestCleanup]
    public void Cleanup() => _temp.Dispose();

    private DictionaryEnvironment Environment(params (string Name, string Value)[] extra)
    {
        var variables = new Dictionary<string, string>
        {
            ["HOME"] = _temp.Combine("home"),
            ["ATMOS_XDG_CACHE_HOME"] = _temp.Combine("xdg"),
            ["NUGET_PACKAGES"] = _temp.Combine("nuget"),
        };
        foreach (var (name, value) in extra)
        {
            variables[name] = value;
        }

        return new DictionaryEnvironment(variables);
    }

    private CacheSettings Settings(string form) => new() { Form = form, WorkingDirectory = _temp.Path, DefaultBaseDirectory = _temp.Path };

    [TestMethod]
    public void TheSdkFormCachesNuGetByDefaultAndLeavesAnEmptyUnconfiguredAtmosRootOut()
    {
        _temp.WriteFile("src/App/App.csproj", "<Project />");
        var set = CacheSetResolver.Resolve(Settings("sdk"), [], Environment());

        var nuget = set.Caches.Single();
        Assert.AreEqual("nuget", nuget.Name);
        Assert.AreEqual(CacheKind.NuGet, nuget.Kind);
        Assert.AreEqual(_temp.Combine("nuget"), nuget.Root);
        StringAssert.Matches(nuget.Key, new System.Text.RegularExpressions.Regex("^nuget-(linux|osx|win)-[a-z0-9]+-[0-9a-f]{16}$"));
        CollectionAssert.AreEqual(new[] { nuget.Key[..(nuget.Key.LastIndexOf('-') + 1)] }, nuget.RestoreKeys.ToArray());
        Assert.AreEqual(_temp.Combine("nuget") + "-ci-cache", nuget.LocalDirectory, "its own store beside its root");
        Assert.IsTrue(set.Notes.Any(n => n.Contains("Atmos cache is not used", StringComparison.Ordinal)));
        Assert.AreEqual(_temp.Combine("nuget"), set.LedgerRoot);
    }

    [TestMethod]
    public void TheNuGetCacheUsesZstdUnlessACompressionIsSetAndTheAtmosCacheStaysGzip()
    {
        var defaults = CacheSetResolver.Resolve(Settings("sdk") with { Root = _temp.Combine("atmos-root") }, [], Environment());
        Assert.AreEqual(ArchiveCompression.Zstd, defaults.Caches.Single(c => c.Name == "nuget").Compression);
        Assert.AreEqual(ArchiveCompression.Gzip, defaults.Caches.Single(c => c.Name == "atmos").Compression, "the Atmos CLI reads the Atmos cache");

        var set = CacheSetResolver.Resolve(Settings("sdk") with { Compression = "gzip" }, [], Environment());
        Assert.AreEqual(ArchiveCompression.Gzip, set.Caches.Single(c => c.Name == "nuget").Compression);

        var fromEnvironment = CacheSetResolver.Resolve(Settings("sdk"), [], Environment(("ATMOS_CI_CACHE_COMPRESSION", "gzip")));
        Assert.AreEqual(ArchiveCompression.Gzip, fromEnvironment.Caches.Single(c => c.Name == "nuget").Compression);
    }

    [TestMethod]
    public void TheAtmosCacheJoinsWhenConfiguredOrItsRootHasContent()
    {
        var configured = CacheSetResolver.Resolve(Settings("sdk") with { Root = _temp.Combine("atmos-root") }, [], Environment());
        CollectionAssert.AreEqual(new[] { "atmos", "nuget" }, configured.Caches.Select(c => c.Name).ToArray());

        _temp.WriteFile("xdg/atmos/toolchain/bin/tool", "x");
        var withContent = CacheSetResolver.Resolve(Settings("sdk"), [], Environment());
        CollectionAssert.AreEqual(new[] { "atmos", "nuget" }, withContent.Caches.Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void ThePackageReferenceFormKeepsTheAtmosCacheAloneAndAdvisesTheSdkFormForTheNuGetFolder()
    {
        var plain = CacheSetResolver.Resolve(Settings("package"), [], Environment());
        CollectionAssert.AreEqual(new[] { "atmos" }, plain.Caches.Select(c => c.Name).ToArray());
        Assert.AreEqual(0, plain.Advice.Count);

        var onNuGet = CacheSetResolver.Resolve(Settings("package") with { Root = _temp.Combine("nuget") }, [], Environment());
        Assert.AreEqual(1, onNuGet.Advice.Count);
        StringAssert.Contains(onNuGet.Advice[0], "SDK form");
    }

    [TestMethod]
    public void NuGetSettingsTurnItOffOrMoveIt()
    {
        var off = CacheSetResolver.Resolve(Settings("sdk") with { NuGet = "false" }, [], Environment());
        Assert.AreEqual(0, off.Caches.Count);

        var moved = CacheSetResolver.Resolve(Settings("sdk"), [], Environment(("ATMOS_CI_CACHE_NUGET_ROOT", _temp.Combine("elsewhere")), ("ATMOS_CI_CACHE_NUGET_KEY", "pkgs-{{ .OS }}")));
        var nuget = moved.Caches.Single();
        Assert.AreEqual(_temp.Combine("elsewhere"), nuget.Root);
        StringAssert.StartsWith(nuget.Key, "pkgs-");
        Assert.AreEqual(0, nuget.RestoreKeys.Count, "a key of one's own has no default restore key");
    }

    [TestMethod]
    public void UserCachesResolveTheirTemplatesAndNamesAreChecked()
    {
        _temp.WriteFile("package-lock.json", "{}");
        var user = new UserCacheSettings { Name = "playwright", Root = "browsers", Key = "pw-{{ hashFiles \"package-lock.json\" }}", RestoreKeys = "pw-" };
        var set = CacheSetResolver.Resolve(Settings("sdk"), [user], Environment());
        var playwright = set.Find("playwright")!;
        Assert.AreEqual(CacheKind.User, playwright.Kind);
        Assert.AreEqual(_temp.Combine("browsers"), playwright.Root, "relative to the base folder");
        StringAssert.Matches(playwright.Key, new System.Text.RegularExpressions.Regex("^pw-[0-9a-f]{16}$"));
        CollectionAssert.AreEqual(new[] { "pw-" }, playwright.RestoreKeys.ToArray());

        Assert.ThrowsExactly<CacheConfigurationException>(() => CacheSetResolver.Resolve(Settings("sdk"), [user with { Name = "nuget" }], Environment()));
        Assert.ThrowsExactly<CacheConfigurationException>(() => CacheSetResolver.Resolve(Settings("sdk"), [user with { Key = null }], Environment()));
        var overlapping = Assert.ThrowsExactly<CacheConfigurationException>(() => CacheSetResolver.Resolve(Settings("sdk"), [user with { Root = _temp.Combine("nuget", "sub") }], Environment()));
        StringAssert.Contains(overlapping.Message, "overlap");
    }

    [TestMethod]
    public void AtmosYamlDeclaresNuGetSettingsAndUserCaches()
    {
        _temp.WriteFile("atmos.yaml", """
            ci:
              cache:
                nuget:
                  key: 'deps-{{ .OS }}'
                  restore_keys: ['deps-']
                caches:
                  - name: tools
                    root: .tools
                    key: tools-1
            """);
        var set = CacheSetResolver.Resolve(Settings("sdk"), [], Environment());
        StringAssert.StartsWith(set.Find("nuget")!.Key, "deps-");
        CollectionAssert.AreEqual(new[] { "deps-" }, set.Find("nuget")!.RestoreKeys.ToArray());
        Assert.AreEqual(_temp.Combine(".tools"), set.Find("tools")!.Root);
    }
}
