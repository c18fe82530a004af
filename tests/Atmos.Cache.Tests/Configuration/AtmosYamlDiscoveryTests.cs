using Atmos.Cache.Archiving;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Tests.Keys;

namespace Atmos.Cache.Tests.Configuration;

[TestClass]
public sealed class AtmosYamlDiscoveryTests
{
    private readonly ConfigWorkspace _ws = new();

    [TestCleanup]
    public void Cleanup() => _ws.Dispose();

    private static string Auto(string mode) => $"ci:\n  cache:\n    auto: {mode}\n";

    [TestMethod]
    public void NearestAtmosYamlUpwardsIsUsed()
    {
        _ws.WriteRepoYaml(Auto("save"));
        var deep = Path.Combine(_ws.Project, "src", "lib");
        Directory.CreateDirectory(deep);
        Assert.AreEqual(AutoMode.Save, _ws.Resolve(new CacheSettings { WorkingDirectory = deep }).Auto);
    }

    [TestMethod]
    public void CloserAtmosYamlWins()
    {
        _ws.WriteRepoYaml(Auto("save"));
        _ws.Write(Path.Combine("repo", "proj", "atmos.yaml"), Auto("restore"));
        Assert.AreEqual(AutoMode.Restore, _ws.Resolve().Auto);
    }

    [TestMethod]
    public void SearchStopsAtTheRepositoryRoot()
    {
        _ws.Write("atmos.yaml", Auto("off"));
        Assert.AreEqual(AutoMode.Both, _ws.Resolve().Auto);
    }

    [TestMethod]
    public void GitFileOfAWorktreeAlsoMarksTheRepositoryRoot()
    {
        _ws.Write("atmos.yaml", Auto("off"));
        _ws.Write(Path.Combine("worktree", ".git"), "gitdir: elsewhere");
        var project = Path.Combine(_ws.Outside, "worktree", "proj");
        Directory.CreateDirectory(project);
        Assert.AreEqual(AutoMode.Both, _ws.Resolve(new CacheSettings { WorkingDirectory = project }).Auto);
    }

    [TestMethod]
    public void ConfigFileSettingWinsOverTheSearch()
    {
        _ws.WriteRepoYaml(Auto("save"));
        _ws.Write(Path.Combine("configs", "ci.yaml"), Auto("restore"));
        _ws.Variables["ATMOS_CLI_CONFIG_PATH"] = _ws.Repo;
        var config = _ws.Resolve(new CacheSettings { ConfigFile = Path.Combine("..", "..", "configs", "ci.yaml") });
        Assert.AreEqual(AutoMode.Restore, config.Auto);
    }

    [TestMethod]
    public void MissingConfigFileIsAnError()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(
            () => _ws.Resolve(new CacheSettings { ConfigFile = "nope.yaml" }));
        KeyExpectations.MessageContains(error, Path.Combine(_ws.Project, "nope.yaml"), "AtmosCacheConfigFile");
    }

    [TestMethod]
    public void CliConfigPathFolderWinsOverTheSearch()
    {
        _ws.WriteRepoYaml(Auto("save"));
        _ws.Write(Path.Combine("shared", "atmos.yaml"), Auto("off"));
        _ws.Variables["ATMOS_CLI_CONFIG_PATH"] = Path.Combine(_ws.Outside, "shared");
        Assert.AreEqual(AutoMode.Off, _ws.Resolve().Auto);
    }

    [TestMethod]
    public void CliConfigPathWithoutAtmosYamlIsAnError()
    {
        var empty = Path.Combine(_ws.Outside, "empty");
        Directory.CreateDirectory(empty);
        _ws.Variables["ATMOS_CLI_CONFIG_PATH"] = empty;
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, "ATMOS_CLI_CONFIG_PATH", empty);
    }

    [TestMethod]
    public void MalformedYamlNamesTheFile()
    {
        var file = _ws.WriteRepoYaml("ci:\n  cache:\n    auto: [unclosed\n");
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, file, "not valid YAML");
    }

    [TestMethod]
    [DataRow("ci:\n  cache:\n    key: [unclosed\n   root: x\n", DisplayName = "an unclosed flow sequence, then a mis-indented line")]
    [DataRow("ci:\n  cache:\n    key: {unclosed\n", DisplayName = "an unclosed flow mapping")]
    [DataRow("ci:\n  cache:\n    key: \"unclosed\n", DisplayName = "an unclosed quoted string")]
    [DataRow("ci:\n  cache:\n    key: a\n   root: b\n", DisplayName = "a mis-indented key")]
    [DataRow("ci:\n\tcache: {}\n", DisplayName = "a tab as indentation")]
    [DataRow("ci: &a\n  cache: *b\n", DisplayName = "an unknown alias")]
    [DataRow("- a\nci: b\n", DisplayName = "a sequence then a mapping key")]
    public void EveryMalformedShapeNamesTheFileLineAndColumn(string text)
    {
        var file = _ws.WriteRepoYaml(text);
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, file, "line ", "column ");
    }

    [TestMethod]
    public void DuplicateKeysAreMalformed()
    {
        var file = _ws.WriteRepoYaml("ci:\n  cache:\n    auto: save\n    auto: off\n");
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, file);
    }

    [TestMethod]
    public void WrongShapeUnderCiCacheIsAnError()
    {
        var file = _ws.WriteRepoYaml("ci:\n  cache: yes-please\n");
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, file, "ci.cache");

        _ws.WriteRepoYaml("ci:\n  cache:\n    key: [a, b]\n");
        error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, "ci.cache.key", "single value");
    }

    [TestMethod]
    public void AtmosYamlFunctionsAreRejectedWithAnExplanation()
    {
        _ws.WriteRepoYaml("ci:\n  cache:\n    key: !env CACHE_KEY\n");
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve());
        KeyExpectations.MessageContains(error, "ci.cache.key", "!env", "ATMOS_CI_CACHE_");
    }

    [TestMethod]
    public void UnknownSectionsAndFunctionsElsewhereAreTolerated()
    {
        _ws.WriteRepoYaml("""
            base_path: !repo-root
            stacks:
              name_template: "{{ .vars.stage }}"
            settings:
              github_token: !env GITHUB_TOKEN
            ci:
              cache:
                compression: zstd
            """);
        Assert.AreEqual(ArchiveCompression.Zstd, _ws.Resolve().Compression);
    }

    [TestMethod]
    public void EmptyAtmosYamlMeansNoValues()
    {
        _ws.WriteRepoYaml("");
        Assert.AreEqual(AutoMode.Both, _ws.Resolve().Auto);
    }
}
