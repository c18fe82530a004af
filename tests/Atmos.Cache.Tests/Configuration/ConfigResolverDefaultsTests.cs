using Atmos.Cache.Archiving;
using Atmos.Cache.Configuration;
using Atmos.Cache.Tests.Keys;

namespace Atmos.Cache.Tests.Configuration;

[TestClass]
public sealed class ConfigResolverDefaultsTests
{
    private readonly ConfigWorkspace _ws = new();

    [TestCleanup]
    public void Cleanup() => _ws.Dispose();

    private static string Prefix => $"atmos-cache-{KeyExpectations.Os}-{KeyExpectations.Arch}-";

    [TestMethod]
    public void NothingConfiguredGivesThePackageDefaults()
    {
        var config = _ws.Resolve();

        Assert.IsTrue(config.Enabled);
        Assert.AreEqual(AutoMode.Both, config.Auto);
        Assert.AreEqual(_ws.DefaultRoot, config.Root);
        Assert.AreEqual(0, config.Includes.Count);
        Assert.AreEqual(ArchiveCompression.Gzip, config.Compression);
        Assert.AreEqual(BackendNames.Auto, config.Backend);
        Assert.AreEqual(Path.Combine(_ws.CacheHome, "atmos-ci-cache"), config.LocalDirectory);
        Assert.IsFalse(config.FailOnError);
        Assert.AreEqual(_ws.Project, config.WorkingDirectory);
        Assert.AreEqual(Prefix + "no-lock", config.Key);
        Assert.AreEqual(Prefix, string.Join("|", config.RestoreKeys));
    }

    [TestMethod]
    public void DefaultKeyHashesTheLockfileUnderTheRoot()
    {
        var lockfile = _ws.Write(Path.Combine("xdg", "atmos", "toolchain", "toolchain.lock.yaml"), "tools: {terraform: 1}");
        var config = _ws.Resolve();
        Assert.AreEqual(Prefix + KeyExpectations.LockHashOf(lockfile), config.Key);
        Assert.AreEqual(Prefix, string.Join("|", config.RestoreKeys));
    }

    [TestMethod]
    public void DefaultKeyFollowsTheConfiguredRoot()
    {
        var lockfile = _ws.Write(Path.Combine("custom-root", "toolchain", "toolchain.lock.yaml"), "custom");
        var config = _ws.Resolve(new CacheSettings { Root = Path.Combine("..", "custom-root") });
        Assert.AreEqual(Path.Combine(_ws.Outside, "custom-root"), config.Root);
        Assert.AreEqual(Prefix + KeyExpectations.LockHashOf(lockfile), config.Key);
    }

    [TestMethod]
    public void ExplicitToolchainLockFileMovesTheLockfileRelativeToAtmosYaml()
    {
        _ws.Write(Path.Combine("xdg", "atmos", "toolchain", "toolchain.lock.yaml"), "under-root");
        _ws.Write(Path.Combine("repo", "proj", "locks", "tools.lock.yaml"), "beside the project: not this one");
        var moved = _ws.Write(Path.Combine("repo", "locks", "tools.lock.yaml"), "moved");
        _ws.WriteRepoYaml("toolchain:\n  lock_file: locks/tools.lock.yaml\n");

        Assert.AreEqual(Prefix + KeyExpectations.LockHashOf(moved), _ws.Resolve().Key);
    }

    [TestMethod]
    public void AbsoluteToolchainLockFileIsUsedAsIs()
    {
        var moved = _ws.Write("elsewhere.lock.yaml", "abs");
        _ws.WriteRepoYaml($"toolchain:\n  lock_file: '{moved}'\n");
        Assert.AreEqual(Prefix + KeyExpectations.LockHashOf(moved), _ws.Resolve().Key);
    }

    [TestMethod]
    public void MissingExplicitToolchainLockFileGivesNoLock()
    {
        _ws.Write(Path.Combine("xdg", "atmos", "toolchain", "toolchain.lock.yaml"), "under-root");
        _ws.WriteRepoYaml("toolchain:\n  lock_file: absent.lock.yaml\n");
        Assert.AreEqual(Prefix + "no-lock", _ws.Resolve().Key);
    }

    [TestMethod]
    public void OtherToolchainSettingsDoNotMoveTheLockfile()
    {
        var lockfile = _ws.Write(Path.Combine("xdg", "atmos", "toolchain", "toolchain.lock.yaml"), "under-root");
        _ws.WriteRepoYaml("toolchain:\n  install_path: .tools\n  versions_file: .tool-versions\n");
        Assert.AreEqual(Prefix + KeyExpectations.LockHashOf(lockfile), _ws.Resolve().Key);
    }

    [TestMethod]
    public void ExplicitKeyHasNoDefaultRestoreKey()
    {
        var config = _ws.Resolve(new CacheSettings { Key = "mine-{{.OS}}" });
        Assert.AreEqual($"mine-{KeyExpectations.Os}", config.Key);
        Assert.AreEqual(0, config.RestoreKeys.Count);
    }

    [TestMethod]
    public void KeyTemplatesResolveFilesAgainstTheBaseFolder()
    {
        _ws.Write(Path.Combine("repo", "proj", "packages.lock.json"), "beside the project: not this one");
        var lockfile = _ws.Write(Path.Combine("repo", "packages.lock.json"), "{}");
        var config = _ws.Resolve(new CacheSettings
        {
            Key = "nuget-{{ hashFiles \"packages.lock.json\" }}",
            RestoreKeys = "nuget-{{.OS}}- ; nuget-",
        });
        Assert.AreEqual("nuget-" + KeyExpectations.HashOf(lockfile), config.Key);
        Assert.AreEqual($"nuget-{KeyExpectations.Os}-|nuget-", string.Join("|", config.RestoreKeys));
    }

    [TestMethod]
    public void WorkingDirectoryDefaultsToTheCurrentDirectory()
    {
        var yaml = _ws.Write("explicit.yaml", "ci:\n  cache:\n    auto: save\n");
        var config = ConfigResolver.Resolve(
            new CacheSettings { ConfigFile = yaml },
            new DictionaryEnvironment(_ws.Variables));
        Assert.AreEqual(Directory.GetCurrentDirectory(), config.WorkingDirectory);
        Assert.AreEqual(AutoMode.Save, config.Auto);
    }
}
