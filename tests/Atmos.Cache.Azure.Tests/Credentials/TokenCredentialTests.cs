using System.Net;
using System.Net.Sockets;
using Atmos.Cache.Backends;
using Atmos.Cache.Errors;
using Atmos.Cache.Testing;
using Microsoft.AspNetCore.Http;

namespace Atmos.Cache.Azure.Tests.Credentials;

/// <summary>
/// The Microsoft Entra ID credentials against fakes on 127.0.0.1 (Azurite takes bearer tokens only
/// over https): each flow sends what the service expects, the blob requests carry the token it
/// returned, tokens are reused until near expiry, and no secret or token reaches a message.
/// </summary>
[TestClass]
public sealed class TokenCredentialTests
{
    private const string Secret = "client-secret-value-3f9a";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task AClientSecretIsExchangedOnceForATokenThatEveryBlobRequestCarries()
    {
        await using var fake = await FakeAzure.StartAsync();
        var logger = new CapturingLogger();
        var backend = fake.Backend(new()
        {
            ["AZURE_TENANT_ID"] = FakeAzure.Tenant,
            ["AZURE_CLIENT_ID"] = FakeAzure.Client,
            ["AZURE_CLIENT_SECRET"] = Secret,
        }, logger);

        await backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken);
        await backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken);

        var token = fake.TokenRequests.Single();
        Assert.AreEqual($"/{FakeAzure.Tenant}/oauth2/v2.0/token", token.Path);
        Assert.AreEqual("client_credentials", token.Form["grant_type"]);
        Assert.AreEqual(FakeAzure.Client, token.Form["client_id"]);
        Assert.AreEqual(Secret, token.Form["client_secret"]);
        Assert.AreEqual("https://storage.azure.com/.default", token.Form["scope"]);
        Assert.HasCount(2, fake.BlobRequests);
        Assert.IsTrue(fake.BlobRequests.All(r => r.Headers["Authorization"] == "Bearer " + FakeAzure.EntraToken), "every blob request carries the token");
        Assert.IsTrue(fake.BlobRequests.All(r => string.CompareOrdinal(r.Headers["x-ms-version"], "2017-11-09") >= 0), "a service version that takes bearer tokens");
        Assert.DoesNotContain(Secret, logger.AllText);
        Assert.DoesNotContain(FakeAzure.EntraToken, logger.AllText);
    }

    [TestMethod]
    public async Task AFederatedTokenFileIsPresentedAsTheClientAssertion()
    {
        await using var fake = await FakeAzure.StartAsync();
        using var temp = new TempFolder();
        var file = temp.WriteFile("token", "federated-jwt-from-file\n");

        await fake.Backend(new()
        {
            ["AZURE_TENANT_ID"] = FakeAzure.Tenant,
            ["AZURE_CLIENT_ID"] = FakeAzure.Client,
            ["AZURE_FEDERATED_TOKEN_FILE"] = file,
        }, new CapturingLogger()).ListAsync(new CacheListOptions(), TestContext.CancellationToken);

        var form = fake.TokenRequests.Single().Form;
        Assert.AreEqual("federated-jwt-from-file", form["client_assertion"]);
        Assert.AreEqual("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
        Assert.IsFalse(form.ContainsKey("client_secret"));
        Assert.AreEqual("Bearer " + FakeAzure.EntraToken, fake.BlobRequests.Single().Headers["Authorization"]);
    }

    [TestMethod]
    public async Task AnAzurePipelinesServiceConnectionGetsItsOidcTokenWithTheJobTokenAndPresentsIt()
    {
        await using var fake = await FakeAzure.StartAsync();
        const string jobToken = "system-access-token-8d2e";
        var logger = new CapturingLogger();

        await fake.Backend(new()
        {
            ["SYSTEM_OIDCREQUESTURI"] = new Uri(fake.Url, "/pipelines/oidc").ToString(),
            ["SYSTEM_ACCESSTOKEN"] = jobToken,
            ["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"] = "service-connection-1",
            ["AZURESUBSCRIPTION_CLIENT_ID"] = FakeAzure.Client,
            ["AZURESUBSCRIPTION_TENANT_ID"] = FakeAzure.Tenant,
        }, logger).ListAsync(new CacheListOptions(), TestContext.CancellationToken);

        var oidc = fake.Endpoint.Requests.Single(r => r.Path == "/pipelines/oidc");
        Assert.AreEqual("POST", oidc.Method);
        Assert.AreEqual("7.1", oidc.Query["api-version"]);
        Assert.AreEqual("service-connection-1", oidc.Query["serviceConnectionId"]);
        Assert.AreEqual("Bearer " + jobToken, oidc.Headers["Authorization"]);
        var form = fake.TokenRequests.Single().Form;
        Assert.AreEqual(FakeAzure.PipelinesJwt, form["client_assertion"]);
        Assert.AreEqual(FakeAzure.Client, form["client_id"]);
        Assert.AreEqual($"/{FakeAzure.Tenant}/oauth2/v2.0/token", fake.TokenRequests.Single().Path);
        Assert.AreEqual("Bearer " + FakeAzure.EntraToken, fake.BlobRequests.Single().Headers["Authorization"]);
        Assert.DoesNotContain(jobToken, logger.AllText);
    }

    [TestMethod]
    public async Task AnAzurePipelinesServiceConnectionWithoutTheJobTokenSaysHowToPassIt()
    {
        await using var fake = await FakeAzure.StartAsync();

        var error = Assert.ThrowsExactly<CacheConfigurationException>(() => fake.Backend(new()
        {
            ["SYSTEM_OIDCREQUESTURI"] = new Uri(fake.Url, "/pipelines/oidc").ToString(),
            ["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"] = "service-connection-1",
            ["AZURESUBSCRIPTION_CLIENT_ID"] = FakeAzure.Client,
            ["AZURESUBSCRIPTION_TENANT_ID"] = FakeAzure.Tenant,
        }, new CapturingLogger()));

        Assert.Contains("SYSTEM_ACCESSTOKEN: $(System.AccessToken)", error.Message);
    }

    [TestMethod]
    public async Task AGitHubActionsJobPresentsItsOidcTokenForTheAzureAudience()
    {
        await using var fake = await FakeAzure.StartAsync();
        const string requestToken = "actions-request-token-61aa";

        await fake.Backend(new()
        {
            ["ACTIONS_ID_TOKEN_REQUEST_URL"] = new Uri(fake.Url, "/github/oidc?run=1").ToString(),
            ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = requestToken,
            ["AZURE_CLIENT_ID"] = FakeAzure.Client,
            ["AZURE_TENANT_ID"] = FakeAzure.Tenant,
        }, new CapturingLogger()).ListAsync(new CacheListOptions(), TestContext.CancellationToken);

        var oidc = fake.Endpoint.Requests.Single(r => r.Path == "/github/oidc");
        Assert.AreEqual("api://AzureADTokenExchange", oidc.Query["audience"]);
        Assert.AreEqual("1", oidc.Query["run"], "the request URL's own query is kept");
        Assert.AreEqual("Bearer " + requestToken, oidc.Headers["Authorization"]);
        Assert.AreEqual(FakeAzure.GitHubJwt, fake.TokenRequests.Single().Form["client_assertion"]);
    }

    [TestMethod]
    public async Task WithNothingElseSetTheManagedIdentityOfTheMachineIsAskedForAStorageToken()
    {
        await using var fake = await FakeAzure.StartAsync();

        await fake.Backend(new() { ["AZURE_CLIENT_ID"] = "user-assigned-identity" }, new CapturingLogger())
            .ListAsync(new CacheListOptions(), TestContext.CancellationToken);

        var imds = fake.Endpoint.Requests.Single(r => r.Path == "/metadata/identity/oauth2/token");
        Assert.AreEqual("true", imds.Headers["Metadata"]);
        Assert.AreEqual("https://storage.azure.com/", imds.Query["resource"]);
        Assert.AreEqual("2018-02-01", imds.Query["api-version"]);
        Assert.AreEqual("user-assigned-identity", imds.Query["client_id"]);
        Assert.IsEmpty(fake.TokenRequests);
        Assert.AreEqual("Bearer " + FakeAzure.ImdsToken, fake.BlobRequests.Single().Headers["Authorization"]);
    }

    [TestMethod]
    public async Task WithNoCredentialAndNoManagedIdentityTheErrorSaysWhatToSetWithinSeconds()
    {
        await using var fake = await FakeAzure.StartAsync();
        var closed = ClosedLoopbackPort();
        var environment = new Dictionary<string, string> { ["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = $"http://127.0.0.1:{closed}/" };
        var backend = fake.Backend(environment, new CapturingLogger());
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken));

        Assert.IsLessThan(TimeSpan.FromSeconds(10), clock.Elapsed);
        Assert.Contains("No credentials for Azure Blob Storage", error.Message);
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", error.Message);
        Assert.IsEmpty(fake.BlobRequests, "nothing was sent without a credential");
    }

    [TestMethod]
    public async Task AMetadataServiceWithoutAnIdentityForThisMachineSaysWhatElseToSet()
    {
        // A GitHub-hosted runner is an Azure VM: its metadata service answers, but has no identity to give.
        await using var fake = await FakeAzure.StartAsync();
        fake.ImdsAnswer = context => Infrastructure.FakeEndpoint.Answer(context, 400, """{"error":"invalid_request","error_description":"Identity not found"}""");

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() =>
            fake.Backend([], new CapturingLogger()).ListAsync(new CacheListOptions(), TestContext.CancellationToken));

        Assert.Contains("Identity not found", error.Message);
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", error.Message);
        Assert.IsEmpty(fake.BlobRequests);
    }

    [TestMethod]
    public async Task ARefusedClientSecretNamesEntrasErrorButNotTheSecret()
    {
        await using var fake = await FakeAzure.StartAsync();
        fake.EntraAnswer = context => Infrastructure.FakeEndpoint.Answer(context, 401,
            """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value."}""");
        var logger = new CapturingLogger();
        var backend = fake.Backend(new()
        {
            ["AZURE_TENANT_ID"] = FakeAzure.Tenant,
            ["AZURE_CLIENT_ID"] = FakeAzure.Client,
            ["AZURE_CLIENT_SECRET"] = Secret,
        }, logger);

        var error = await Assert.ThrowsExactlyAsync<CacheBackendException>(() => backend.ListAsync(new CacheListOptions(), TestContext.CancellationToken));

        Assert.Contains("invalid_client", error.Message);
        Assert.Contains("AADSTS7000215", error.Message);
        Assert.DoesNotContain(Secret, error + logger.AllText);
        Assert.IsEmpty(fake.BlobRequests);
    }

    [TestMethod]
    public async Task AMissingTenantWithAClientSecretIsAConfigurationErrorNamingTheVariable()
    {
        await using var fake = await FakeAzure.StartAsync();

        var error = Assert.ThrowsExactly<CacheConfigurationException>(() =>
            fake.Backend(new() { ["AZURE_CLIENT_ID"] = FakeAzure.Client, ["AZURE_CLIENT_SECRET"] = Secret }, new CapturingLogger()));

        Assert.Contains("AZURE_TENANT_ID", error.Message);
        Assert.DoesNotContain(Secret, error.Message);
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
