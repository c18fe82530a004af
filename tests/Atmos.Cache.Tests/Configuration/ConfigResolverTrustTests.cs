using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;

namespace Atmos.Cache.Tests.Configuration;

/// <summary>The trust and mode settings: read-only, lookup-only, fail-on-miss, the signing key (environment only) and ACTIONS_CACHE_MODE.</summary>
[TestClass]
public sealed class ConfigResolverTrustTests
{
    private readonly ConfigWorkspace _ws = new();

    [TestCleanup]
    public void Cleanup() => _ws.Dispose();

    [TestMethod]
    public void DefaultsRestoreAndSaveUnsignedWithoutAKey()
    {
        var config = _ws.Resolve();

        Assert.IsFalse(config.ReadOnly);
        Assert.IsFalse(config.LookupOnly);
        Assert.IsFalse(config.FailOnMiss);
        Assert.IsNull(config.Signer);
        Assert.IsTrue(config.RequireSignature);
        Assert.IsNull(config.RestoreBlockedBy);
        Assert.IsNull(config.SaveBlockedBy);
    }

    [TestMethod]
    public void SwitchesComeFromPropertiesThenTheEnvironment()
    {
        _ws.Variables["ATMOS_CI_CACHE_READ_ONLY"] = "true";
        _ws.Variables["ATMOS_CI_CACHE_LOOKUP_ONLY"] = "yes";
        _ws.Variables["ATMOS_CI_CACHE_FAIL_ON_MISS"] = "1";
        _ws.Variables["ATMOS_CI_CACHE_REQUIRE_SIGNATURE"] = "false";

        var fromEnvironment = _ws.Resolve();
        var fromProperties = _ws.Resolve(new CacheSettings { ReadOnly = "false", LookupOnly = "false", FailOnMiss = "false", RequireSignature = "true" });

        Assert.IsTrue(fromEnvironment.ReadOnly);
        Assert.IsTrue(fromEnvironment.LookupOnly);
        Assert.IsTrue(fromEnvironment.FailOnMiss);
        Assert.IsFalse(fromEnvironment.RequireSignature);
        StringAssert.Contains(fromEnvironment.SaveBlockedBy, "read-only");
        Assert.IsFalse(fromProperties.ReadOnly || fromProperties.LookupOnly || fromProperties.FailOnMiss);
        Assert.IsTrue(fromProperties.RequireSignature);
    }

    [TestMethod]
    public void ABadSwitchValueIsAConfigurationErrorNamingTheProperty()
    {
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => _ws.Resolve(new CacheSettings { ReadOnly = "maybe" }));

        StringAssert.Contains(error.Message, "AtmosCacheReadOnly");
    }

    [TestMethod]
    public void TheSigningKeyComesFromTheEnvironmentAndNeverShowsInTheConfig()
    {
        _ws.Variables["ATMOS_CI_CACHE_SIGNING_KEY"] = "do-not-print-me";

        var config = _ws.Resolve();

        Assert.IsNotNull(config.Signer);
        Assert.DoesNotContain("do-not-print-me", config.ToString());
    }

    [TestMethod]
    [DataRow(null, null, null)]
    [DataRow("write", null, null)]
    [DataRow("read", null, "'read'")]
    [DataRow("write-only", "'write-only'", null)]
    [DataRow("none", "'none'", "'none'")]
    [DataRow("something-new", null, null)]
    public void ActionsCacheModeInsideGitHubActionsBlocksRestoreOrSave(string? mode, string? restoreBlocked, string? saveBlocked)
    {
        _ws.Variables["GITHUB_ACTIONS"] = "true";
        if (mode is not null)
        {
            _ws.Variables["ACTIONS_CACHE_MODE"] = mode;
        }

        var config = _ws.Resolve();

        AssertBlocked(restoreBlocked, config.RestoreBlockedBy);
        AssertBlocked(saveBlocked, config.SaveBlockedBy);
    }

    [TestMethod]
    public void ActionsCacheModeOutsideGitHubActionsIsIgnored()
    {
        _ws.Variables["ACTIONS_CACHE_MODE"] = "none";

        var config = _ws.Resolve();

        Assert.AreEqual(CacheServiceMode.Write, config.ServiceMode);
        Assert.IsNull(config.RestoreBlockedBy);
    }

    private static void AssertBlocked(string? expected, string? actual)
    {
        if (expected is null)
        {
            Assert.IsNull(actual);
            return;
        }

        Assert.IsNotNull(actual);
        StringAssert.Contains(actual, expected);
        StringAssert.Contains(actual, "ACTIONS_CACHE_MODE");
    }
}
