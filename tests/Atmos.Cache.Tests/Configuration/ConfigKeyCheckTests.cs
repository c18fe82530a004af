using Atmos.Cache.Configuration;

namespace Atmos.Cache.Tests.Configuration;

/// <summary>
/// Likely typos in the sections of atmos.yaml the package reads give one warning each, at the key's
/// file, line and column, with the nearest known key; valid files and the Atmos CLI's own sections give none.
/// </summary>
[TestClass]
public sealed class ConfigKeyCheckTests
{
    private readonly ConfigWorkspace _ws = new();

    [TestCleanup]
    public void Cleanup() => _ws.Dispose();

    [TestMethod]
    public void AMisspeltCacheSectionIsReportedAtItsLineWithTheSuggestion()
    {
        var file = _ws.WriteRepoYaml("base_path: .\nci:\n  enabled: true\n  cahce:\n    key: my-key\n");

        var warning = _ws.Resolve().ConfigurationWarnings.Single();

        Assert.AreEqual(file, warning.File);
        Assert.AreEqual(4, warning.Line);
        Assert.AreEqual(3, warning.Column);
        StringAssert.Contains(warning.Message, "'ci.cahce' looks like a misspelling of 'ci.cache' (did you mean 'cache'?)");
    }

    [TestMethod]
    public void AnUnknownCacheKeyIsReportedWithTheNearestKnownKey()
    {
        var file = _ws.WriteRepoYaml("ci:\n  cache:\n    key: k\n    restore_key:\n      - k-\n");

        var warning = _ws.Resolve().ConfigurationWarnings.Single();

        Assert.AreEqual((file, 4, 5), (warning.File, warning.Line, warning.Column));
        StringAssert.Contains(warning.Message, "'ci.cache.restore_key' is not a setting this package knows (did you mean 'restore_keys'?); it is ignored.");
    }

    [TestMethod]
    public void AnUnknownS3KeyIsReportedWithTheNearestKnownKey()
    {
        _ws.WriteRepoYaml("ci:\n  cache:\n    s3: { bukcet: my-bucket, region: eu-west-1 }\n");

        var warning = _ws.Resolve().ConfigurationWarnings.Single();

        Assert.AreEqual(3, warning.Line);
        Assert.AreEqual(11, warning.Column);
        StringAssert.Contains(warning.Message, "'ci.cache.s3.bukcet' is not a setting this package knows (did you mean 'bucket'?)");
    }

    [TestMethod]
    public void AKeyFarFromEveryKnownOneListsTheKnownKeys()
    {
        _ws.WriteRepoYaml("ci:\n  cache:\n    s3:\n      storage_class: STANDARD\n");

        var warning = _ws.Resolve().ConfigurationWarnings.Single();

        StringAssert.Contains(warning.Message, "(the known ones are 'bucket', 'prefix', 'region', 'endpoint', 'path_style')");
    }

    [TestMethod]
    public void ValidFilesAndTheAtmosCliSectionsGiveNoWarning()
    {
        _ws.WriteRepoYaml("""
            base_path: .
            components:
              terraform: { base_path: components/terraform, command: tofu }
            ci:
              enabled: true
              summary: { enabled: true }
              checks: { enabled: false }
              cache:
                enabled: true
                auto: both
                root: .cache/atmos
                paths: [toolchain]
                key: 'k-{{ .OS }}'
                restore_keys: ['k-']
                compression: gzip
                backend: local
                local_dir: ../store
                s3: { bucket: b, prefix: p/, region: r, endpoint: 'http://127.0.0.1:9', path_style: true }
                azure: { container: c, prefix: p/, account_url: 'https://a.blob.core.windows.net' }
                nuget: { enabled: true, root: nuget, key: n, restore_keys: [n-] }
                caches: []
            toolchain: { lock_file: toolchain.lock.yaml }
            """);

        Assert.HasCount(0, _ws.Resolve().ConfigurationWarnings);
    }

    [TestMethod]
    public void TheKeysOfEachDeclaredCacheAreCheckedToo()
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader("ci:\n  cache:\n    caches:\n      - { name: a, root: x, key: k }\n      - name: b\n        restore_key: [b-]\n"));

        var warning = ConfigKeyCheck.Check((YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode, "atmos.yaml").Single();

        Assert.AreEqual(6, warning.Line);
        StringAssert.Contains(warning.Message, "'ci.cache.caches[].restore_key' is not a setting this package knows (did you mean 'restore_keys'?)");
    }

    [TestMethod]
    public void KeysMatchIgnoringCaseAsTheAtmosCliDoes()
    {
        _ws.WriteRepoYaml("CI:\n  Cache:\n    Restore_Keys: [a-]\n    S3: { Bucket: b }\n");

        Assert.HasCount(0, _ws.Resolve().ConfigurationWarnings);
    }

    [TestMethod]
    public void EditDistanceCountsASwapOfNeighboursAsOneEdit()
    {
        Assert.AreEqual(1, EditDistance.Between("cahce", "cache"));
        Assert.AreEqual(1, EditDistance.Between("restore_key", "restore_keys"));
        Assert.AreEqual(2, EditDistance.Between("cach", "cahe"));
        Assert.AreEqual(0, EditDistance.Between("CACHE", "cache"));
        Assert.AreEqual(5, EditDistance.Between("", "cache"));
    }

    [TestMethod]
    public void TheBackendAndTheLocalStoreComeFromAtmosYamlAfterPropertiesAndEnvironment()
    {
        _ws.WriteRepoYaml("ci:\n  cache:\n    backend: local\n    local_dir: ../store\n");

        var fromYaml = _ws.Resolve();
        _ws.Variables["ATMOS_CI_CACHE_BACKEND"] = "s3";
        _ws.Variables["ATMOS_CI_CACHE_LOCAL_DIR"] = Path.Combine(_ws.Outside, "env-store");
        var fromEnvironment = _ws.Resolve();
        var fromProperty = _ws.Resolve(new CacheSettings { Backend = "none", LocalDirectory = Path.Combine(_ws.Outside, "prop-store") });

        Assert.AreEqual(BackendNames.Local, fromYaml.Backend);
        Assert.AreEqual(Path.Combine(_ws.Outside, "store"), fromYaml.LocalDirectory, "relative to the base folder (the repository)");
        Assert.AreEqual(BackendNames.S3, fromEnvironment.Backend);
        Assert.AreEqual(Path.Combine(_ws.Outside, "env-store"), fromEnvironment.LocalDirectory);
        Assert.AreEqual(BackendNames.None, fromProperty.Backend);
        Assert.AreEqual(Path.Combine(_ws.Outside, "prop-store"), fromProperty.LocalDirectory);
    }
}
