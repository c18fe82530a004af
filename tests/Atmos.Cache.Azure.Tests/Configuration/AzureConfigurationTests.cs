using Atmos.Cache.Backends;
using Atmos.Cache.Backends.Azure;
using Atmos.Cache.Backends.Azure.Credentials;
using Atmos.Cache.Configuration;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;

namespace Atmos.Cache.Azure.Tests.Configuration;

/// <summary>
/// The azure/blob settings from properties, ATMOS_CI_CACHE_AZURE_* and ci.cache.azure.*, and the
/// account and credential as the Azure CLI finds them (connection string, account with key or SAS).
/// </summary>
[TestClass]
public sealed class AzureConfigurationTests
{
    private const string AccountKey = "c2VjcmV0LWFjY291bnQta2V5LWZvci10ZXN0cy0wMTIzNDU2Nzg5";

    [TestMethod]
    public void TheSettingsComeFromPropertiesThenVariablesThenAtmosYaml()
    {
        using var temp = new TempFolder();
        temp.WriteFile("atmos.yaml", "ci:\n  cache:\n    azure:\n      container: from-yaml\n      prefix: yaml/\n      account_url: https://yamlaccount.blob.core.windows.net\n");
        var environment = new DictionaryEnvironment(new Dictionary<string, string>
        {
            ["ATMOS_CI_CACHE_BACKEND"] = "azure/blob",
            ["ATMOS_CI_CACHE_AZURE_PREFIX"] = "from-variable/",
        });

        var config = ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = temp.Path, AzureContainer = "from-property" }, environment);

        Assert.AreEqual(BackendNames.AzureBlob, config.Backend);
        Assert.AreEqual("from-property", config.Azure.Container);
        Assert.AreEqual("from-variable/", config.Azure.Prefix);
        Assert.AreEqual("https://yamlaccount.blob.core.windows.net", config.Azure.AccountUrl);
    }

    [TestMethod]
    public void ThePrefixDefaultsToAtmosCacheAndTheRegistryKnowsTheBackend()
    {
        using var temp = new TempFolder();
        var config = ConfigResolver.Resolve(new CacheSettings { WorkingDirectory = temp.Path, Backend = "azure/blob" }, new DictionaryEnvironment(new Dictionary<string, string>()));

        Assert.AreEqual("atmos-cache/", config.Azure.Prefix);
        CollectionAssert.Contains(BackendRegistry.GetRegisteredTypes().ToList(), "azure/blob");
    }

    [TestMethod]
    public void AConnectionStringGivesTheEndpointAndTheAccountKey()
    {
        var resolved = Resolve(new()
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = $"DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey={AccountKey};EndpointSuffix=core.chinacloudapi.cn",
        });

        Assert.AreEqual(new Uri("https://myaccount.blob.core.chinacloudapi.cn"), resolved.Settings.AccountUrl);
        Assert.AreEqual("myaccount", resolved.AccountName);
        var credential = Credential(resolved);
        Assert.IsInstanceOfType<SharedKeySigner>(credential.Authorizer);
        Assert.Contains("account key of myaccount", credential.Description);
        Assert.DoesNotContain(AccountKey, credential.Description);
    }

    [TestMethod]
    public void UseDevelopmentStorageMeansAzuriteOnThisMachine()
    {
        var resolved = Resolve(new() { ["AZURE_STORAGE_CONNECTION_STRING"] = "UseDevelopmentStorage=true" });

        Assert.AreEqual(new Uri("http://127.0.0.1:10000/devstoreaccount1"), resolved.Settings.AccountUrl);
        Assert.AreEqual("devstoreaccount1", resolved.AccountName);
    }

    [TestMethod]
    public void ASasConnectionStringWithABlobEndpointUsesTheSas()
    {
        var resolved = Resolve(new() { ["AZURE_STORAGE_CONNECTION_STRING"] = "BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2023-11-03&sp=racwdl&sig=abc%3D" });

        var credential = Credential(resolved);
        Assert.AreEqual("sv=2023-11-03&sp=racwdl&sig=abc%3D", credential.SasQuery);
        Assert.AreEqual("acct", resolved.AccountName);
    }

    [TestMethod]
    public void AnAccountWithAKeyOrASasTokenIsUsedAsTheAzureCliUsesIt()
    {
        var keyVariables = new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT"] = "keyaccount", ["AZURE_STORAGE_KEY"] = AccountKey };
        var sasVariables = new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT"] = "sasaccount", ["AZURE_STORAGE_SAS_TOKEN"] = "?sv=2023-11-03&sig=xyz" };

        var withKey = Resolve(keyVariables);
        Assert.AreEqual(new Uri("https://keyaccount.blob.core.windows.net"), withKey.Settings.AccountUrl);
        Assert.IsInstanceOfType<SharedKeySigner>(Credential(withKey, keyVariables).Authorizer);
        Assert.AreEqual("sv=2023-11-03&sig=xyz", Credential(Resolve(sasVariables), sasVariables).SasQuery);
    }

    [TestMethod]
    public void TheAccountUrlSettingWinsAndTheAccountNameComesFromIt()
    {
        var variables = new Dictionary<string, string> { ["AZURE_STORAGE_KEY"] = AccountKey };
        var resolved = Resolve(variables, accountUrl: "https://fromurl.blob.core.windows.net");

        Assert.AreEqual("fromurl", resolved.AccountName);
        Assert.IsInstanceOfType<SharedKeySigner>(Credential(resolved, variables).Authorizer);
    }

    [TestMethod]
    public void MissingContainerOrAccountAndUnsafeUrlsAreConfigurationErrorsThatSayWhatToSet()
    {
        var noContainer = Assert.ThrowsExactly<CacheConfigurationException>(() => AzureSettingsResolver.Resolve(new AzureConfig(), Environment(new())));
        var noAccount = Assert.ThrowsExactly<CacheConfigurationException>(() => Resolve(new()));
        var plainHttp = Assert.ThrowsExactly<CacheConfigurationException>(() => Resolve(new(), accountUrl: "http://acct.blob.core.windows.net"));
        var withQuery = Assert.ThrowsExactly<CacheConfigurationException>(() => Resolve(new(), accountUrl: "https://acct.blob.core.windows.net/?sig=secret-signature"));

        Assert.Contains("AtmosCacheAzureContainer", noContainer.Message);
        Assert.Contains("AtmosCacheAzureAccountUrl", noAccount.Message);
        Assert.Contains("https", plainHttp.Message);
        Assert.Contains("AZURE_STORAGE_SAS_TOKEN", withQuery.Message);
        Assert.DoesNotContain("secret-signature", withQuery.Message);
    }

    [TestMethod]
    public void AMalformedConnectionStringOrKeyNeverShowsItsText()
    {
        var malformed = Assert.ThrowsExactly<CacheConfigurationException>(() => Resolve(new() { ["AZURE_STORAGE_CONNECTION_STRING"] = "AccountKey-without-equals-secretpart" }));
        var badKeyVariables = new Dictionary<string, string> { ["AZURE_STORAGE_ACCOUNT"] = "a", ["AZURE_STORAGE_KEY"] = "not base64 secretpart!" };
        var badKey = Assert.ThrowsExactly<CacheConfigurationException>(() => Credential(Resolve(badKeyVariables), badKeyVariables));

        Assert.DoesNotContain("secretpart", malformed.Message);
        Assert.DoesNotContain("secretpart", badKey.Message);
    }

    private static AzureSettingsResolver.Resolved Resolve(Dictionary<string, string> variables, string? accountUrl = null) =>
        AzureSettingsResolver.Resolve(new AzureConfig { Container = "cache", AccountUrl = accountUrl }, Environment(variables));

    private static AzureCredential Credential(AzureSettingsResolver.Resolved resolved, Dictionary<string, string>? variables = null) =>
        AzureCredentialResolver.Resolve(Environment(variables ?? []), resolved.ConnectionString, resolved.AccountName, new HttpClient(), new Backends.GitHub.RetrySettings(), NullLogger());

    private static Diagnostics.ICacheLogger NullLogger() => new CapturingLogger();

    private static DictionaryEnvironment Environment(Dictionary<string, string> variables) => new(variables);
}
