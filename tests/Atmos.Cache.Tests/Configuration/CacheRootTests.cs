using Atmos.Cache.Configuration;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Configuration;

[TestClass]
public sealed class CacheRootTests
{
    private readonly TempFolder _dir = new();

    [TestCleanup]
    public void Cleanup() => _dir.Dispose();

    private static string Resolve(Dictionary<string, string> variables) => CacheRoot.Resolve(new DictionaryEnvironment(variables));

    [TestMethod]
    public void AtmosXdgCacheHomeGetsAtmosAppended()
    {
        var home = _dir.Combine("atmos-xdg");
        Assert.AreEqual(Path.Combine(home, "atmos"), Resolve(new() { ["ATMOS_XDG_CACHE_HOME"] = home }));
    }

    [TestMethod]
    public void AtmosXdgCacheHomeWinsOverXdgCacheHome()
    {
        var atmos = _dir.Combine("a");
        var xdg = _dir.Combine("x");
        Assert.AreEqual(
            Path.Combine(atmos, "atmos"),
            Resolve(new() { ["ATMOS_XDG_CACHE_HOME"] = atmos, ["XDG_CACHE_HOME"] = xdg }));
    }

    [TestMethod]
    public void XdgCacheHomeIsUsedWhenTheAtmosVariableIsEmpty()
    {
        var xdg = _dir.Combine("x");
        Assert.AreEqual(Path.Combine(xdg, "atmos"), Resolve(new() { ["ATMOS_XDG_CACHE_HOME"] = "", ["XDG_CACHE_HOME"] = xdg }));
        Assert.AreEqual(Path.Combine(xdg, "atmos"), Resolve(new() { ["XDG_CACHE_HOME"] = xdg }));
    }

    [TestMethod]
    public void PlatformCacheHomeIsUsedWithoutVariables()
    {
        var home = _dir.Combine("home");
        if (OperatingSystem.IsWindows())
        {
            Assert.AreEqual(Path.Combine(home, "cache", "atmos"), Resolve(new() { ["LOCALAPPDATA"] = home }));
        }
        else
        {
            Assert.AreEqual(Path.Combine(home, ".cache", "atmos"), Resolve(new() { ["HOME"] = home }));
        }
    }

    [TestMethod]
    public void RelativeVariableBecomesAbsolute()
    {
        var root = Resolve(new() { ["XDG_CACHE_HOME"] = "relative-cache" });
        Assert.IsTrue(Path.IsPathFullyQualified(root), root);
        Assert.AreEqual(Path.Combine(Path.GetFullPath("relative-cache"), "atmos"), root);
    }
}
