using Atmos.Cache.Archiving;
using Atmos.Cache.Configuration;
using Atmos.Cache.Tests.Keys;

namespace Atmos.Cache.Tests.Configuration;

/// <summary>Explicit settings beat ATMOS_CI_CACHE_* variables, which beat atmos.yaml, which beats the defaults.</summary>
[TestClass]
public sealed class ConfigResolverPrecedenceTests
{
    private readonly ConfigWorkspace _ws = new();

    [TestCleanup]
    public void Cleanup() => _ws.Dispose();

    private const string FullYaml = """
        components:
          terraform:
            base_path: components/terraform
        ci:
          enabled: true
          output:
            enabled: false
          cache:
            enabled: false
            auto: save
            root: yaml-root
            paths: [from-yaml]
            key: yaml-key
            restore_keys:
              - yaml-
            compression: zstd
            allow_unsafe_auth_cache: false
        """;

    [TestMethod]
    public void AutoModeLayers()
    {
        _ws.WriteRepoYaml(FullYaml);
        _ws.Variables["ATMOS_CI_CACHE_AUTO"] = "restore";
        Assert.AreEqual(AutoMode.Off, _ws.Resolve(new CacheSettings { Auto = "off" }).Auto);
        Assert.AreEqual(AutoMode.Restore, _ws.Resolve(new CacheSettings { Auto = "" }).Auto);
        _ws.Variables.Remove("ATMOS_CI_CACHE_AUTO");
        Assert.AreEqual(AutoMode.Save, _ws.Resolve().Auto);
    }

    [TestMethod]
    public void EnabledLayers()
    {
        _ws.WriteRepoYaml(FullYaml);
        _ws.Variables["ATMOS_CI_CACHE_ENABLED"] = "yes";
        Assert.IsFalse(_ws.Resolve(new CacheSettings { Enabled = "0" }).Enabled);
        Assert.IsTrue(_ws.Resolve().Enabled);
        _ws.Variables.Remove("ATMOS_CI_CACHE_ENABLED");
        Assert.IsFalse(_ws.Resolve().Enabled);
    }

    [TestMethod]
    public void CompressionLayers()
    {
        _ws.WriteRepoYaml(FullYaml);
        _ws.Variables["ATMOS_CI_CACHE_COMPRESSION"] = "GZIP";
        Assert.AreEqual(ArchiveCompression.Zstd, _ws.Resolve(new CacheSettings { Compression = "zstd" }).Compression);
        Assert.AreEqual(ArchiveCompression.Gzip, _ws.Resolve().Compression);
        _ws.Variables.Remove("ATMOS_CI_CACHE_COMPRESSION");
        Assert.AreEqual(ArchiveCompression.Zstd, _ws.Resolve().Compression);
    }

    [TestMethod]
    public void RootLayersResolveRelativeValuesAgainstTheBaseFolder()
    {
        _ws.WriteRepoYaml(FullYaml);
        _ws.Variables["ATMOS_CI_CACHE_ROOT"] = "env-root";
        Assert.AreEqual(Path.Combine(_ws.Repo, "prop-root"), _ws.Resolve(new CacheSettings { Root = "prop-root" }).Root);
        Assert.AreEqual(Path.Combine(_ws.Repo, "env-root"), _ws.Resolve().Root);
        _ws.Variables.Remove("ATMOS_CI_CACHE_ROOT");
        Assert.AreEqual(Path.Combine(_ws.Repo, "yaml-root"), _ws.Resolve().Root);
    }

    [TestMethod]
    public void KeyAndRestoreKeyLayers()
    {
        _ws.WriteRepoYaml(FullYaml);
        _ws.Variables["ATMOS_CI_CACHE_KEY"] = "env-key";
        _ws.Variables["ATMOS_CI_CACHE_RESTORE_KEYS"] = "env-a-\nenv-b-";

        var fromProperties = _ws.Resolve(new CacheSettings { Key = "prop-key", RestoreKeys = "prop-" });
        Assert.AreEqual("prop-key", fromProperties.Key);
        Assert.AreEqual("prop-", string.Join("|", fromProperties.RestoreKeys));

        var fromEnvironment = _ws.Resolve();
        Assert.AreEqual("env-key", fromEnvironment.Key);
        Assert.AreEqual("env-a-|env-b-", string.Join("|", fromEnvironment.RestoreKeys));

        _ws.Variables.Clear();
        _ws.Variables[CacheRoot.AtmosXdgCacheHome] = _ws.CacheHome;
        var fromYaml = _ws.Resolve();
        Assert.AreEqual("yaml-key", fromYaml.Key);
        Assert.AreEqual("yaml-", string.Join("|", fromYaml.RestoreKeys));
    }

    [TestMethod]
    public void PathsLayers()
    {
        _ws.WriteRepoYaml(FullYaml);
        _ws.Variables["ATMOS_CI_CACHE_PATHS"] = $"env-a{Path.PathSeparator} env-b/c {Path.PathSeparator}";
        Assert.AreEqual("prop-a/x|prop-b", string.Join("|", _ws.Resolve(new CacheSettings { Paths = @" prop-a\x ; ./prop-b/ ;; " }).Includes));
        Assert.AreEqual("env-a|env-b/c", string.Join("|", _ws.Resolve().Includes));
        _ws.Variables.Remove("ATMOS_CI_CACHE_PATHS");
        Assert.AreEqual("from-yaml", string.Join("|", _ws.Resolve().Includes));
    }

    [TestMethod]
    public void BackendAndLocalDirectoryComeFromPropertiesThenEnvironment()
    {
        _ws.Variables["ATMOS_CI_CACHE_BACKEND"] = "local";
        _ws.Variables["ATMOS_CI_CACHE_LOCAL_DIR"] = "env-store";
        var fromProperties = _ws.Resolve(new CacheSettings { Backend = "None", LocalDirectory = "prop-store" });
        Assert.AreEqual(BackendNames.None, fromProperties.Backend);
        Assert.AreEqual(Path.Combine(_ws.Repo, "prop-store"), fromProperties.LocalDirectory);

        var fromEnvironment = _ws.Resolve();
        Assert.AreEqual(BackendNames.Local, fromEnvironment.Backend);
        Assert.AreEqual(Path.Combine(_ws.Repo, "env-store"), fromEnvironment.LocalDirectory);
    }

    [TestMethod]
    public void YamlOverridesDefaultsOnlyWhereWritten()
    {
        _ws.WriteRepoYaml("ci:\n  cache:\n    auto: restore\n");
        var config = _ws.Resolve();
        Assert.AreEqual(AutoMode.Restore, config.Auto);
        Assert.IsTrue(config.Enabled);
        Assert.AreEqual(ArchiveCompression.Gzip, config.Compression);
        Assert.AreEqual(_ws.DefaultRoot, config.Root);
        Assert.AreEqual(0, config.Includes.Count);
        Assert.AreEqual($"atmos-cache-{KeyExpectations.Os}-{KeyExpectations.Arch}-no-lock", config.Key);
        Assert.AreEqual(1, config.RestoreKeys.Count);
    }

    [TestMethod]
    public void EmptyValuesDoNotHideLowerLayers()
    {
        _ws.WriteRepoYaml("ci:\n  cache:\n    auto: save\n    key: ''\n    restore_keys: []\n    paths:\n");
        _ws.Variables["ATMOS_CI_CACHE_AUTO"] = "  ";
        var config = _ws.Resolve(new CacheSettings { Auto = "", Key = " ", RestoreKeys = ";", Paths = "" });
        Assert.AreEqual(AutoMode.Save, config.Auto);
        Assert.AreEqual($"atmos-cache-{KeyExpectations.Os}-{KeyExpectations.Arch}-no-lock", config.Key);
        Assert.AreEqual(1, config.RestoreKeys.Count);
        Assert.AreEqual(0, config.Includes.Count);
    }

    [TestMethod]
    public void RestoreKeysVariableIsSplitOnNewlines()
    {
        _ws.Variables["ATMOS_CI_CACHE_KEY"] = "k";
        _ws.Variables["ATMOS_CI_CACHE_RESTORE_KEYS"] = "first-\r\n\n  second-{{.OS}}- \nthird-\n";
        Assert.AreEqual($"first-|second-{KeyExpectations.Os}-|third-", string.Join("|", _ws.Resolve().RestoreKeys));
    }

    [TestMethod]
    public void YamlKeysMatchCaseInsensitivelyAndSingleValuesActAsLists()
    {
        _ws.WriteRepoYaml("CI:\n  Cache:\n    Auto: save\n    Paths: toolchain\n");
        var config = _ws.Resolve();
        Assert.AreEqual(AutoMode.Save, config.Auto);
        Assert.AreEqual("toolchain", string.Join("|", config.Includes));
    }
}
