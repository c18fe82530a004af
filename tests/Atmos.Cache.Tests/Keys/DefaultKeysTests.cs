using Atmos.Cache.Keys;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Keys;

[TestClass]
public sealed class DefaultKeysTests
{
    [TestMethod]
    public void KeyHashesTheLockfileBytes()
    {
        using var dir = new TempFolder();
        var lockfile = dir.WriteFile("toolchain/toolchain.lock.yaml", "tools:\n  terraform: 1.9.0\n");
        Assert.AreEqual(
            $"atmos-cache-{KeyExpectations.Os}-{KeyExpectations.Arch}-{KeyExpectations.LockHashOf(lockfile)}",
            DefaultKeys.Key(lockfile));
    }

    [TestMethod]
    public void MissingLockfileGivesNoLock()
    {
        using var dir = new TempFolder();
        Assert.AreEqual(
            $"atmos-cache-{KeyExpectations.Os}-{KeyExpectations.Arch}-no-lock",
            DefaultKeys.Key(dir.Combine("absent.yaml")));
        Assert.AreEqual(
            $"atmos-cache-{KeyExpectations.Os}-{KeyExpectations.Arch}-no-lock",
            DefaultKeys.Key(dir.Path));
    }

    [TestMethod]
    public void RestoreKeyIsThePrefixOfTheKey()
    {
        Assert.AreEqual($"atmos-cache-{KeyExpectations.Os}-{KeyExpectations.Arch}-", DefaultKeys.RestoreKey());
        using var dir = new TempFolder();
        Assert.IsTrue(DefaultKeys.Key(dir.Combine("x")).StartsWith(DefaultKeys.RestoreKey(), StringComparison.Ordinal));
    }

    [TestMethod]
    public void LockfileLivesUnderTheRootToolchainFolder() =>
        Assert.AreEqual(
            Path.Combine("r", "toolchain", "toolchain.lock.yaml"),
            DefaultKeys.LockfilePath("r"));
}
