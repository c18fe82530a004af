using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Tests.Keys;

namespace Atmos.Cache.Tests.Configuration;

[TestClass]
public sealed class ConfigResolverValidationTests
{
    private readonly ConfigWorkspace _ws = new();

    [TestCleanup]
    public void Cleanup() => _ws.Dispose();

    private CacheConfigurationException Fails(CacheSettings settings) =>
        Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve(settings));

    [TestMethod]
    [DataRow("TRUE", true)]
    [DataRow("yes", true)]
    [DataRow("1", true)]
    [DataRow("False", false)]
    [DataRow("NO", false)]
    [DataRow("0", false)]
    public void BooleanFormsAreAccepted(string raw, bool expected)
    {
        Assert.AreEqual(expected, _ws.Resolve(new CacheSettings { Enabled = raw }).Enabled);
        Assert.AreEqual(expected, _ws.Resolve(new CacheSettings { FailOnError = raw }).FailOnError);
    }

    [TestMethod]
    public void BadBooleanNamesThePropertyAndValue()
    {
        KeyExpectations.MessageContains(Fails(new CacheSettings { Enabled = "maybe" }), "'maybe'", "AtmosCacheEnabled", "true or false");
        KeyExpectations.MessageContains(Fails(new CacheSettings { FailOnError = "perhaps" }), "'perhaps'", "AtmosCacheFailOnError");
    }

    [TestMethod]
    public void BadAutoModeNamesItsSource()
    {
        _ws.Variables["ATMOS_CI_CACHE_AUTO"] = "sometimes";
        KeyExpectations.MessageContains(
            Fails(new CacheSettings()),
            "'sometimes'", "environment variable ATMOS_CI_CACHE_AUTO", "off, restore, save or both", "AtmosCacheAuto");
    }

    [TestMethod]
    public void BadAutoModeInAtmosYamlNamesTheFile()
    {
        var file = _ws.WriteRepoYaml("ci:\n  cache:\n    auto: always\n");
        KeyExpectations.MessageContains(Fails(new CacheSettings()), "'always'", "ci.cache.auto", file, "AtmosCacheAuto");
    }

    [TestMethod]
    public void BadCompressionAndBackendAreRejected()
    {
        KeyExpectations.MessageContains(Fails(new CacheSettings { Compression = "brotli" }), "'brotli'", "gzip or zstd", "AtmosCacheCompression");
        KeyExpectations.MessageContains(Fails(new CacheSettings { Backend = "gcs" }), "'gcs'", "github/actions", "AtmosCacheBackend");
    }

    [TestMethod]
    public void BackendNamesAreCaseInsensitive() =>
        Assert.AreEqual(BackendNames.GitHubActions, _ws.Resolve(new CacheSettings { Backend = "GitHub/Actions" }).Backend);

    [TestMethod]
    public void LocalDirectoryEqualToTheRootIsRejected()
    {
        var root = Path.Combine(_ws.Outside, "root");
        var error = Fails(new CacheSettings { Root = root, LocalDirectory = root + Path.DirectorySeparatorChar });
        KeyExpectations.MessageContains(error, "AtmosCacheLocalDirectory", root);
    }

    [TestMethod]
    public void LocalDirectoryInsideTheRootIsRejected()
    {
        _ws.Variables["ATMOS_CI_CACHE_LOCAL_DIR"] = Path.Combine(_ws.DefaultRoot, "store");
        KeyExpectations.MessageContains(Fails(new CacheSettings()), "ATMOS_CI_CACHE_LOCAL_DIR", "AtmosCacheLocalDirectory");
    }

    [TestMethod]
    public void LocalDirectoryBesideTheRootWithASharedPrefixIsAccepted()
    {
        var store = _ws.DefaultRoot + "-store";
        Assert.AreEqual(store, _ws.Resolve(new CacheSettings { LocalDirectory = store }).LocalDirectory);
    }

    [TestMethod]
    public void DefaultLocalDirectoryIsASiblingOfAConfiguredRoot()
    {
        var config = _ws.Resolve(new CacheSettings { Root = Path.Combine(_ws.Outside, "r", "cache") + Path.DirectorySeparatorChar });
        Assert.AreEqual(Path.Combine(_ws.Outside, "r", "cache-ci-cache"), config.LocalDirectory);
    }

    [TestMethod]
    public void IncludePathsMustStayInsideTheRoot()
    {
        KeyExpectations.MessageContains(Fails(new CacheSettings { Paths = "ok;../escape" }), "'../escape'", "AtmosCachePaths");
        var absolute = Path.Combine(_ws.Outside, "abs");
        KeyExpectations.MessageContains(Fails(new CacheSettings { Paths = absolute }), absolute, "absolute");
    }

    [TestMethod]
    public void BadKeyTemplateIsAConfigurationErrorNamingTheTemplate() =>
        KeyExpectations.MessageContains(Fails(new CacheSettings { Key = "k-{{ .Nope }}" }), "\"k-{{ .Nope }}\"", ".Nope");

    [TestMethod]
    public void BadRestoreKeyTemplateIsLeftOutWithTheReason()
    {
        // The Atmos CLI skips a restore key it cannot render; only the primary key stops the build.
        var config = _ws.Resolve(new CacheSettings { Key = "k", RestoreKeys = "ok-;bad-{{ now }};also-{{ .Nope }};last-" });
        Assert.AreEqual("ok-|last-", string.Join("|", config.RestoreKeys));
        Assert.AreEqual("bad-{{ now }}|also-{{ .Nope }}", string.Join("|", config.SkippedRestoreKeys.Select(s => s.Template)));
        StringAssert.Contains(config.SkippedRestoreKeys[0].Reason, "function \"now\" not defined");
        StringAssert.Contains(config.SkippedRestoreKeys[1].Reason, "map has no entry for key \"Nope\"");
    }

    [TestMethod]
    public void RenderedKeysAreValidated()
    {
        KeyExpectations.MessageContains(Fails(new CacheSettings { Key = "a,b" }), "comma");
        var tooMany = string.Join(';', Enumerable.Range(0, 10).Select(i => $"p{i}-"));
        KeyExpectations.MessageContains(Fails(new CacheSettings { Key = "k", RestoreKeys = tooMany }), "AtmosCacheRestoreKeys");
    }

    [TestMethod]
    public void ARootThatIsAFileNamesTheSettingAndWhereItCameFrom()
    {
        var file = _ws.Write("not-a-folder", "x");
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve(new CacheSettings { Root = file }));
        KeyExpectations.MessageContains(error, file, "is a file", "the MSBuild property AtmosCacheRoot");

        _ws.Variables["ATMOS_CI_CACHE_ROOT"] = file;
        error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, file, "the environment variable ATMOS_CI_CACHE_ROOT");

        _ws.Variables.Remove("ATMOS_CI_CACHE_ROOT");
        var yaml = _ws.WriteRepoYaml($"ci:\n  cache:\n    root: '{file}'\n");
        error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, file, "ci.cache.root", yaml);
    }

    [TestMethod]
    public void ARootBelowAFileNamesTheSetting()
    {
        var file = _ws.Write("plain-file", "x");
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve(new CacheSettings { Root = Path.Combine(file, "root") }));
        KeyExpectations.MessageContains(error, "plain-file", "the MSBuild property AtmosCacheRoot");
    }

    [TestMethod]
    public void KeyErrorsNameWhereTheTemplateCameFrom()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve(new CacheSettings { Key = "k-{{ .Nope }}" }));
        KeyExpectations.MessageContains(error, "the key template is from the MSBuild property AtmosCacheKey");

        _ws.Variables["ATMOS_CI_CACHE_KEY"] = "a,b";
        error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, "comma", "the key template is from the environment variable ATMOS_CI_CACHE_KEY");

        _ws.Variables.Remove("ATMOS_CI_CACHE_KEY");
        var yaml = _ws.WriteRepoYaml("ci:\n  cache:\n    key: 'k-{{ hashFiles'\n");
        error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, "ci.cache.key in '" + yaml + "'");
    }
}
