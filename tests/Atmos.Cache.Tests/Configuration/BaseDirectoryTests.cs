using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;
using Atmos.Cache.Tests.Keys;

namespace Atmos.Cache.Tests.Configuration;

/// <summary>
/// One base folder per build for every relative path in keys, root and lockfile: the folder the Atmos CLI
/// runs in (the repository root), whichever project resolves the configuration.
/// </summary>
[TestClass]
public sealed class BaseDirectoryTests
{
    private readonly ConfigWorkspace _ws = new();

    [TestCleanup]
    public void Cleanup() => _ws.Dispose();

    [TestMethod]
    public void ProjectsInDifferentFoldersOfARepositoryResolveTheSameKeyRootAndLockfile()
    {
        _ws.WriteRepoYaml("ci:\n  cache:\n    root: .cache/atmos\n    key: tools-{{ hashFiles \"global.json\" }}\ntoolchain:\n  lock_file: locks/tools.lock.yaml\n");
        var global = _ws.Write(Path.Combine("repo", "global.json"), "{}");
        _ws.Write(Path.Combine("repo", "src", "A", "global.json"), "beside project A: not this one");
        var a = _ws.Resolve(new CacheSettings { WorkingDirectory = Directory.CreateDirectory(Path.Combine(_ws.Repo, "src", "A")).FullName });
        var b = _ws.Resolve(new CacheSettings { WorkingDirectory = Directory.CreateDirectory(Path.Combine(_ws.Repo, "src", "B")).FullName });

        Assert.AreEqual(_ws.Repo, a.BaseDirectory);
        Assert.AreEqual("tools-" + KeyExpectations.HashOf(global), a.Key);
        Assert.AreEqual(a.Key, b.Key);
        Assert.AreEqual(Path.Combine(_ws.Repo, ".cache", "atmos"), a.Root);
        Assert.AreEqual(a.Root, b.Root);
    }

    [TestMethod]
    public void RelativeLockfileResolvesAgainstTheBaseFolderEvenWhenAtmosYamlIsDeeper()
    {
        var lockfile = _ws.Write(Path.Combine("repo", "locks", "tools.lock.yaml"), "at the repository root");
        _ws.Write(Path.Combine("repo", "proj", "locks", "tools.lock.yaml"), "beside atmos.yaml: not this one");
        _ws.Write(Path.Combine("repo", "proj", "atmos.yaml"), "toolchain:\n  lock_file: locks/tools.lock.yaml\n");
        var config = _ws.Resolve();
        StringAssert.EndsWith(config.Key, KeyExpectations.LockHashOf(lockfile));
    }

    [TestMethod]
    public void InsideGitHubActionsTheWorkspaceIsTheBaseWhenTheProjectIsInsideIt()
    {
        _ws.Variables["GITHUB_ACTIONS"] = "true";
        _ws.Variables["GITHUB_WORKSPACE"] = _ws.Outside;
        Assert.AreEqual(Path.TrimEndingDirectorySeparator(_ws.Outside), _ws.Resolve().BaseDirectory);

        using var elsewhere = new TempFolder();
        _ws.Variables["GITHUB_WORKSPACE"] = elsewhere.Path;
        Assert.AreEqual(_ws.Repo, _ws.Resolve().BaseDirectory);
    }

    [TestMethod]
    public void OutsideARepositoryTheFolderOfAtmosYamlIsTheBase()
    {
        using var tree = new TempFolder();
        tree.WriteFile("atmos.yaml", "ci:\n  cache:\n    key: k-{{ hashFiles \"global.json\" }}\n");
        var global = tree.WriteFile("global.json", "{}");
        var project = Path.GetDirectoryName(tree.WriteFile(Path.Combine("src", "A", "A.csproj"), ""))!;
        Assume.NoRepositoryAbove(tree.Path);

        var config = ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = project, DefaultBaseDirectory = project }, _ws.Environment);
        Assert.AreEqual(Path.TrimEndingDirectorySeparator(tree.Path), config.BaseDirectory);
        Assert.AreEqual("k-" + KeyExpectations.HashOf(global), config.Key);
    }

    [TestMethod]
    public void WithoutRepositoryOrAtmosYamlTheSolutionFolderIsTheBase()
    {
        using var tree = new TempFolder();
        var project = Path.GetDirectoryName(tree.WriteFile(Path.Combine("src", "A", "A.csproj"), ""))!;
        Assume.NoRepositoryAbove(tree.Path);

        var config = ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = project, DefaultBaseDirectory = tree.Path }, _ws.Environment);
        Assert.AreEqual(Path.TrimEndingDirectorySeparator(tree.Path), config.BaseDirectory);
        Assert.AreEqual(project, ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = project }, _ws.Environment).BaseDirectory);
    }

    [TestMethod]
    public void ThePropertyThenTheVariableOverrideTheBase()
    {
        var fromVariable = Directory.CreateDirectory(Path.Combine(_ws.Outside, "from-variable")).FullName;
        _ws.Variables["ATMOS_CI_CACHE_BASE_DIR"] = fromVariable;
        Assert.AreEqual(fromVariable, _ws.Resolve().BaseDirectory);
        Assert.AreEqual(_ws.Project, _ws.Resolve(new CacheSettings { BaseDirectory = "." }).BaseDirectory);
    }

    [TestMethod]
    public void AnOverrideNamingNoFolderIsAConfigurationError()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve(new CacheSettings { BaseDirectory = "missing" }));
        KeyExpectations.MessageContains(error, Path.Combine(_ws.Project, "missing"), "AtmosCacheBaseDirectory");
    }

    [TestMethod]
    public void DoubleStarIsRecursiveOnlyInMsBuildProperties()
    {
        var shallow = _ws.Write(Path.Combine("repo", "a", "one.lock"), "1");
        var deep = _ws.Write(Path.Combine("repo", "a", "b", "two.lock"), "2");
        const string template = "k-{{ hashFiles \"**/*.lock\" }}";
        var goGlob = "k-" + KeyExpectations.HashOf(shallow);

        Assert.AreEqual("k-" + KeyExpectations.HashOfSorted(shallow, deep), _ws.Resolve(new CacheSettings { Key = template }).Key);

        _ws.Variables["ATMOS_CI_CACHE_KEY"] = template;
        Assert.AreEqual(goGlob, _ws.Resolve().Key);

        _ws.Variables.Remove("ATMOS_CI_CACHE_KEY");
        _ws.WriteRepoYaml($"ci:\n  cache:\n    key: '{template}'\n    restore_keys: ['{template}']\n");
        var fromYaml = _ws.Resolve();
        Assert.AreEqual(goGlob, fromYaml.Key);
        Assert.AreEqual(goGlob, fromYaml.RestoreKeys.Single());
    }

    /// <summary>Preconditions about the machine the test runs on.</summary>
    private static class Assume
    {
        public static void NoRepositoryAbove(string folder)
        {
            for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
                {
                    Assert.Inconclusive($"The temporary folder is inside a repository ({dir.FullName}).");
                }
            }
        }
    }
}
