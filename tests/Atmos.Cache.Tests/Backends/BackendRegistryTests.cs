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
    public void BuiltInBackends_AreRegisteredWithoutTheCallerDoingAnything()
    {
        CollectionAssert.Contains(BackendRegistry.GetRegisteredTypes().ToList(), "local");
    }

    [TestMethod]
    public void Create_PassesTheResolvedConfigAndOptionsToTheFactory()
    {
        using var temp = new TempFolder();
        BackendOptions? seen = null;
        BackendRegistry.Register("test/recording", options =>
        {
            seen = options;
            return new LocalBackend(options.Options["directory"]);
        });
        var config = TestConfigs.For(temp);

        var backend = BackendRegistry.Create("test/recording", new BackendOptions { Config = config, Options = new Dictionary<string, string> { ["directory"] = temp.Path } });

        Assert.AreEqual("local", backend.Name);
        Assert.AreSame(config, seen!.Config);
        CollectionAssert.Contains(BackendRegistry.GetRegisteredTypes().ToList(), "test/recording");
    }

    [TestMethod]
    public void Create_UnknownType_IsAConfigurationErrorListingTheKnownTypes()
    {
        using var temp = new TempFolder();

        var error = Assert.ThrowsExactly<CacheConfigurationException>(() =>
            BackendRegistry.Create("gcs", new BackendOptions { Config = TestConfigs.For(temp) }));

        StringAssert.Contains(error.Message, "'gcs'");
        StringAssert.Contains(error.Message, "local");
    }

    [TestMethod]
    public void Register_RejectsEmptyNamesAndNullFactories()
    {
        Assert.ThrowsExactly<ArgumentException>(() => BackendRegistry.Register(" ", _ => null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => BackendRegistry.Register("x", null!));
    }

    [TestMethod]
    public void Select_Auto_OutsideGitHubActions_IsNoneWithAReason()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp) with { Backend = BackendNames.Auto };

        var backend = BackendSelector.Select(config, new DictionaryEnvironment(new Dictionary<string, string>()), NullCacheLogger.Instance, out var reason);

        Assert.IsNull(backend);
        StringAssert.Contains(reason, "AtmosCacheBackend=local");
    }

    [TestMethod]
    public void Select_Local_UsesTheConfiguredDirectory()
    {
        using var temp = new TempFolder();
        var config = TestConfigs.For(temp) with { Backend = BackendNames.Local };

        var backend = BackendSelector.Select(config, new DictionaryEnvironment(new Dictionary<string, string>()), NullCacheLogger.Instance, out _);

        Assert.IsInstanceOfType<LocalBackend>(backend);
    }
}
