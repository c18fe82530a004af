using Atmos.Cache.Backends;
using Atmos.Cache.Backends.S3;
using Atmos.Cache.Backends.S3.Http;
using Atmos.Cache.Configuration;
using Atmos.Cache.Diagnostics;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.S3.Tests.Configuration;

/// <summary>The s3 settings through the one configuration resolution, and how the backend completes them.</summary>
[TestClass]
public sealed class S3ConfigurationTests
{
    [TestMethod]
    public void PropertiesWinOverTheEnvironmentWhichWinsOverAtmosYaml()
    {
        using var temp = new TempFolder();
        temp.WriteFile("atmos.yaml", "ci:\n  cache:\n    s3:\n      bucket: from-yaml\n      prefix: yaml/\n      region: eu-west-1\n      endpoint: https://yaml.example\n      path_style: true\n");
        var environment = new DictionaryEnvironment(new Dictionary<string, string>
        {
            ["ATMOS_CI_CACHE_S3_BUCKET"] = "from-env",
            ["ATMOS_CI_CACHE_S3_REGION"] = "ap-south-1",
        });

        var config = ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = temp.Path, Root = temp.Combine("root"), Backend = "s3", S3Bucket = "from-property" }, environment);

        Assert.AreEqual(BackendNames.S3, config.Backend);
        Assert.AreEqual("from-property", config.S3.Bucket);
        Assert.AreEqual("ap-south-1", config.S3.Region);
        Assert.AreEqual("yaml/", config.S3.Prefix);
        Assert.AreEqual("https://yaml.example", config.S3.Endpoint);
        Assert.IsTrue(config.S3.PathStyle);
    }

    [TestMethod]
    public void TheRegistryKnowsS3AndTheBackendSettingAcceptsItInAnyCase()
    {
        using var temp = new TempFolder();
        CollectionAssert.Contains(BackendRegistry.GetRegisteredTypes().ToList(), "s3");
        var config = ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = temp.Path, Root = temp.Combine("root") },
            new DictionaryEnvironment(new Dictionary<string, string> { ["ATMOS_CI_CACHE_BACKEND"] = "S3", ["ATMOS_CI_CACHE_S3_BUCKET"] = "b" }));
        Assert.AreEqual("s3", config.Backend);
        Assert.AreEqual("s3", BackendRegistry.Create(config.Backend, new BackendOptions { Config = config }).Name);
    }

    [TestMethod]
    public void DefaultsAreTheAtmosCachePrefixAndVirtualHostedAddressing()
    {
        using var temp = new TempFolder();
        var config = ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = temp.Path, Root = temp.Combine("root") }, new DictionaryEnvironment(new Dictionary<string, string>()));
        Assert.AreEqual("atmos-cache/", config.S3.Prefix);
        Assert.IsFalse(config.S3.PathStyle);
        Assert.IsNull(config.S3.Bucket);
    }

    [TestMethod]
    public void ABadPathStyleValueIsAConfigurationErrorNamingTheProperty()
    {
        using var temp = new TempFolder();
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() =>
            ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = temp.Path, Root = temp.Combine("root"), S3PathStyle = "sometimes" }, new DictionaryEnvironment(new Dictionary<string, string>())));
        Assert.Contains("AtmosCacheS3PathStyle", error.Message);
    }

    [TestMethod]
    public void TheS3BackendWithoutABucketSaysWhichSettingToSet()
    {
        using var temp = new TempFolder();
        var config = ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = temp.Path, Root = temp.Combine("root"), Backend = "s3" }, new DictionaryEnvironment(new Dictionary<string, string>()));
        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => BackendRegistry.Create("s3", new BackendOptions { Config = config }));
        Assert.Contains("AtmosCacheS3Bucket", error.Message);
    }

    [TestMethod]
    public void RegionAndEndpointFallBackToTheAwsVariablesAndTheProfile()
    {
        using var temp = new TempFolder();
        temp.WriteFile(".aws/config", "[profile ci]\nregion = sa-east-1\n");
        var fromProfile = S3SettingsResolver.Resolve(new S3Config { Bucket = "b" }, Env(("HOME", temp.Path), ("AWS_PROFILE", "ci")), NullCacheLogger.Instance);
        var fromVariables = S3SettingsResolver.Resolve(new S3Config { Bucket = "b" },
            Env(("HOME", temp.Path), ("AWS_PROFILE", "ci"), ("AWS_REGION", "eu-north-1"), ("AWS_ENDPOINT_URL", "https://all.example"), ("AWS_ENDPOINT_URL_S3", "https://s3.example:8443")), NullCacheLogger.Instance);
        var nothing = S3SettingsResolver.Resolve(new S3Config { Bucket = "b" }, Env(("HOME", temp.Path)), NullCacheLogger.Instance);

        Assert.AreEqual("sa-east-1", fromProfile.Region);
        Assert.IsNull(fromProfile.Endpoint);
        Assert.AreEqual("eu-north-1", fromVariables.Region);
        Assert.AreEqual(new Uri("https://s3.example:8443"), fromVariables.Endpoint);
        Assert.AreEqual("us-east-1", nothing.Region);
    }

    [TestMethod]
    public void AnEndpointThatIsNotAnHttpUrlIsAConfigurationError() =>
        Assert.ThrowsExactly<CacheConfigurationException>(() =>
            S3SettingsResolver.Resolve(new S3Config { Bucket = "b", Endpoint = "ftp://example" }, Env(), NullCacheLogger.Instance));

    [TestMethod]
    public void AddressingIsVirtualHostedOnAwsPathStyleWhenAskedAndForDottedBuckets()
    {
        var virtualHosted = new S3Addressing("my-bucket", "eu-west-1", null, pathStyle: false);
        var pathStyle = new S3Addressing("my-bucket", "auto", new Uri("https://acct.r2.cloudflarestorage.com"), pathStyle: true);
        var dotted = new S3Addressing("my.bucket", "us-east-1", null, pathStyle: false);

        Assert.AreEqual("https://my-bucket.s3.eu-west-1.amazonaws.com/atmos-cache/v/key%20with%20space",
            virtualHosted.Url(virtualHosted.Path("atmos-cache/v/key with space"), []).ToString());
        Assert.AreEqual("https://acct.r2.cloudflarestorage.com/my-bucket/a/b?list-type=2&prefix=a%2F",
            pathStyle.Url(pathStyle.Path("a/b"), [new("prefix", "a/"), new("list-type", "2")]).ToString());
        Assert.AreEqual("s3.us-east-1.amazonaws.com", dotted.Host);
        Assert.AreEqual("/my.bucket/k", dotted.Path("k"));
    }

    private static DictionaryEnvironment Env(params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => v.Value));
}
