using Atmos.Cache.Backends;
using Atmos.Cache.Backends.Local;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Tests.Backends;

[TestClass]
public sealed class BackendRegistryTests
{
    [TestMethod]
    public void BuiltInBackendsAreRegisteredWithoutTheCallerDoingAnything()
    {
        CollectionAssert.Contains(BackendRegistry.GetRegisteredTypes().ToList(), "local");
    }

    [TestMethod]
    public void CreatePassesTheResolvedConfigToTheFactory()
    {
        using var temp = new TempFolder();
        var backends = BackendRegistry.CreateBuiltIns();
        BackendOptions? seen = null;
        backends.Register("test/recording", options =>
        {
            seen = options;
            return new LocalBackend(options.Config.LocalDirectory);
        });
        var config = TestConfigs.For(temp);

        var backend = backends.Create("test/recording", new BackendOptions { Config = config });

        Assert.AreEqual("local", backend.Name);
        Assert.AreSame(config, seen!.Config);
        CollectionAssert.Contains(backends.GetRegisteredTypes().ToList(), "test/recording");
        CollectionAssert.DoesNotContain(BackendRegistry.GetRegisteredTypes().ToList(), "test/recording");
    }

    [TestMethod]
    public void CreateUnknownTypeIsAConfigurationErrorListingTheKnownTypes()
    {
        using var temp = new TempFolder();

        var error = Assert.ThrowsExactly<CacheConfigurationException>(() =>
            BackendRegistry.Create("s3", new BackendOptions { Config = TestConfigs.For(temp) }));

        StringAssert.Contains(error.Message, "'s3'");
        StringAssert.Contains(error.Message, "local");
    }

    [TestMethod]
    public void RegisterRejectsEmptyNamesAndNullFactories()
    {
        var backends = BackendRegistry.CreateBuiltIns();

        Assert.ThrowsExactly<ArgumentException>(() => backends.Register(" ", _ => null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => backends.Register("x", null!));
    }

    [TestMethod]
    public void SelectUsesTheGivenCatalog()
    {
        using var temp = new TempFolder();
        var backends = BackendRegistry.CreateBuiltIns();
        var store = new LocalBackend(temp.Combine("elsewhere"));
        backends.Register(BackendNames.Local, _ => store);
        var config = TestConfigs.For(temp) with { Backend = BackendNames.Local };

        var backend = BackendSelector.Select(config, new DictionaryEnvironment(new Dictionary<string, string>()), NullCacheLogger.Instance, backends, out _);

        Assert.AreSame(store, backend);
    }

    [TestMethod]
    public void SelectAutoOutsideGitHubActionsIsNoneWithAReason()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp) with { Backend = BackendNames.Auto };

        var backend = BackendSelector.Select(config, new DictionaryEnvironment(new Dictionary<string, string>()), NullCacheLogger.Instance, out var reason);

        Assert.IsNull(backend);
        StringAssert.Contains(reason, "AtmosCacheBackend=local");
    }

    [TestMethod]
    public void SelectLocalUsesTheConfiguredDirectory()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp) with { Backend = BackendNames.Local };

        var backend = BackendSelector.Select(config, new DictionaryEnvironment(new Dictionary<string, string>()), NullCacheLogger.Instance, out _);

        Assert.IsInstanceOfType<LocalBackend>(backend);
    }
}
