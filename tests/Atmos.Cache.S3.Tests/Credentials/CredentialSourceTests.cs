using System.Web;
using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Errors;
using Atmos.Cache.S3.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Atmos.Cache.S3.Tests.Credentials;

/// <summary>
/// Each credential source as the AWS tools define it. Sources that need a network peer (STS, the
/// container agent, the instance metadata service) are checked against fake endpoints on 127.0.0.1.
/// </summary>
[TestClass]
public sealed class CredentialSourceTests
{
    private const string StsAnswer = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <Credentials>
              <AccessKeyId>ASIASTSKEY</AccessKeyId>
              <SecretAccessKey>sts-secret</SecretAccessKey>
              <SessionToken>sts-session-token</SessionToken>
              <Expiration>2099-01-02T03:04:05Z</Expiration>
            </Credentials>
          </AssumeRoleWithWebIdentityResult>
        </AssumeRoleWithWebIdentityResponse>
        """;

    private const string JsonCredentials = """{"Code":"Success","AccessKeyId":"ASIAJSONKEY","SecretAccessKey":"json-secret","Token":"json-token","Expiration":"2099-05-06T07:08:09Z"}""";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task EnvironmentVariablesGiveKeysAndSessionToken()
    {
        using var test = new CredentialTestContext()
            .Set("AWS_ACCESS_KEY_ID", "AKIAENV").Set("AWS_SECRET_ACCESS_KEY", "env-secret").Set("AWS_SESSION_TOKEN", "env-token");
        var found = await new EnvironmentCredentialSource(test.Context().Environment).TryGetAsync(TestContext.CancellationToken);
        Assert.IsNotNull(found);
        Assert.AreEqual("AKIAENV", found.AccessKeyId);
        Assert.AreEqual("env-secret", found.SecretAccessKey);
        Assert.AreEqual("env-token", found.SessionToken);
    }

    [TestMethod]
    public async Task EnvironmentWithoutTheSecretIsNotASource()
    {
        using var test = new CredentialTestContext().Set("AWS_ACCESS_KEY_ID", "AKIAENV");
        Assert.IsNull(await new EnvironmentCredentialSource(test.Context().Environment).TryGetAsync(TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task ANamedProfileReadsTheCredentialsFileAndTheConfigFilesRegion()
    {
        using var test = new CredentialTestContext().Set("AWS_PROFILE", "ci");
        test.WriteFile(".aws/credentials", "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n\n[ci]\n# comment\naws_access_key_id = AKIACI\naws_secret_access_key = ci-secret\naws_session_token = ci-token\n");
        test.WriteFile(".aws/config", "[default]\nregion = us-west-2\n[profile ci]\nregion = eu-central-1\n");
        var context = test.Context();

        var found = await new ProfileCredentialSource(context).TryGetAsync(TestContext.CancellationToken);

        Assert.IsNotNull(found);
        Assert.AreEqual("AKIACI", found.AccessKeyId);
        Assert.AreEqual("ci-secret", found.SecretAccessKey);
        Assert.AreEqual("ci-token", found.SessionToken);
        Assert.AreEqual("eu-central-1", ProfileCredentialSource.Region(context.Environment));
    }

    [TestMethod]
    public async Task SharedFileLocationsFollowTheVariables()
    {
        using var test = new CredentialTestContext();
        var credentials = test.WriteFile("elsewhere/creds", "[default]\naws_access_key_id=AKIAFILE\naws_secret_access_key=file-secret\n");
        test.Set("AWS_SHARED_CREDENTIALS_FILE", credentials);
        var found = await new ProfileCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken);
        Assert.AreEqual("AKIAFILE", found?.AccessKeyId);
    }

    [TestMethod]
    public async Task AChosenProfileThatDoesNotExistSaysSo()
    {
        using var test = new CredentialTestContext().Set("AWS_PROFILE", "missing");
        var error = await Assert.ThrowsExactlyAsync<CacheUnavailableException>(() => new ProfileCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken));
        Assert.Contains("'missing'", error.Message);
    }

    [TestMethod]
    public async Task AnSsoProfileExplainsHowToExportItsCredentials()
    {
        using var test = new CredentialTestContext().Set("AWS_PROFILE", "sso");
        test.WriteFile(".aws/config", "[profile sso]\nsso_session = corp\nregion = us-east-1\n");
        var error = await Assert.ThrowsExactlyAsync<CacheUnavailableException>(() => new ProfileCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken));
        Assert.Contains("export-credentials --profile sso", error.Message);
    }

    [TestMethod]
    public async Task WebIdentityAssumesTheRoleThroughStsWithTheTokenFromTheFile()
    {
        await using var sts = await FakeEndpoint.StartAsync((context, _) => Answer(context, 200, StsAnswer, "text/xml"));
        using var test = new CredentialTestContext();
        var tokenFile = test.WriteFile("oidc-token", "eyJ.oidc-token-value.sig\n");
        test.Set("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile).Set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci-cache")
            .Set("AWS_ROLE_SESSION_NAME", "build-42").Set("AWS_ENDPOINT_URL_STS", sts.Url.ToString());

        var found = await new WebIdentityCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken);

        Assert.IsNotNull(found);
        Assert.AreEqual("ASIASTSKEY", found.AccessKeyId);
        Assert.AreEqual("sts-secret", found.SecretAccessKey);
        Assert.AreEqual("sts-session-token", found.SessionToken);
        Assert.AreEqual(new DateTimeOffset(2099, 1, 2, 3, 4, 5, TimeSpan.Zero), found.Expiration);
        var request = sts.Requests.Single();
        Assert.AreEqual("POST", request.Method);
        var form = HttpUtility.ParseQueryString(request.Body);
        Assert.AreEqual("AssumeRoleWithWebIdentity", form["Action"]);
        Assert.AreEqual("2011-06-15", form["Version"]);
        Assert.AreEqual("arn:aws:iam::123456789012:role/ci-cache", form["RoleArn"]);
        Assert.AreEqual("build-42", form["RoleSessionName"]);
        Assert.AreEqual("eyJ.oidc-token-value.sig", form["WebIdentityToken"]);
        Assert.IsFalse(request.Headers.ContainsKey("Authorization"), "AssumeRoleWithWebIdentity is not signed");
    }

    [TestMethod]
    public async Task ARefusedWebIdentityNamesTheRoleAndTheErrorButNotTheToken()
    {
        const string refusal = """<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity for token eyJ.secret-oidc.sig</Message></Error></ErrorResponse>""";
        await using var sts = await FakeEndpoint.StartAsync((context, _) => Answer(context, 403, refusal, "text/xml"));
        using var test = new CredentialTestContext();
        var tokenFile = test.WriteFile("oidc-token", "eyJ.secret-oidc.sig");
        test.Set("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile).Set("AWS_ROLE_ARN", "arn:aws:iam::1:role/r").Set("AWS_ENDPOINT_URL_STS", sts.Url.ToString());

        var error = await Assert.ThrowsExactlyAsync<CacheUnavailableException>(() => new WebIdentityCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken));

        Assert.Contains("arn:aws:iam::1:role/r", error.Message);
        Assert.Contains("AccessDenied", error.Message);
        Assert.DoesNotContain("eyJ.secret-oidc.sig", error.ToString());
    }

    [TestMethod]
    public async Task AProfileWithARoleAndATokenFileAssumesTheRole()
    {
        await using var sts = await FakeEndpoint.StartAsync((context, _) => Answer(context, 200, StsAnswer, "text/xml"));
        using var test = new CredentialTestContext().Set("AWS_PROFILE", "oidc").Set("AWS_ENDPOINT_URL_STS", sts.Url.ToString());
        var tokenFile = test.WriteFile("token", "profile-token");
        test.WriteFile(".aws/config", $"[profile oidc]\nrole_arn = arn:aws:iam::1:role/p\nweb_identity_token_file = {tokenFile}\n");

        var found = await new ProfileCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken);

        Assert.AreEqual("ASIASTSKEY", found?.AccessKeyId);
        Assert.AreEqual("profile-token", HttpUtility.ParseQueryString(sts.Requests.Single().Body)["WebIdentityToken"]);
    }

    [TestMethod]
    public async Task ContainerFullUriSendsTheTokenFromTheTokenFile()
    {
        await using var agent = await FakeEndpoint.StartAsync((context, _) => Answer(context, 200, JsonCredentials, "application/json"));
        using var test = new CredentialTestContext();
        var tokenFile = test.WriteFile("container-token", "container-auth-token\n");
        test.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", new Uri(agent.Url, "/v2/credentials/abc").ToString()).Set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile);

        var found = await new ContainerCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken);

        Assert.AreEqual("ASIAJSONKEY", found?.AccessKeyId);
        Assert.AreEqual("json-token", found?.SessionToken);
        var request = agent.Requests.Single();
        Assert.AreEqual("/v2/credentials/abc", request.PathAndQuery);
        Assert.AreEqual("container-auth-token", request.Headers["Authorization"]);
    }

    [TestMethod]
    public async Task ContainerRelativeUriGoesToTheAgentHost()
    {
        await using var agent = await FakeEndpoint.StartAsync((context, _) => Answer(context, 200, JsonCredentials, "application/json"));
        using var test = new CredentialTestContext().Set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task-1");

        var found = await new ContainerCredentialSource(test.Context(containerHost: agent.Url)).TryGetAsync(TestContext.CancellationToken);

        Assert.AreEqual("ASIAJSONKEY", found?.AccessKeyId);
        Assert.AreEqual("/v2/credentials/task-1", agent.Requests.Single().PathAndQuery);
    }

    [TestMethod]
    public void ContainerFullUriOverPlainHttpToARemoteHostIsRefused()
    {
        using var test = new CredentialTestContext().Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds");
        Assert.ThrowsExactly<CacheConfigurationException>(() => new ContainerCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken).GetAwaiter().GetResult());
    }

    [TestMethod]
    public async Task InstanceMetadataUsesAnImdsv2SessionToken()
    {
        await using var imds = await FakeEndpoint.StartAsync((context, _) =>
        {
            var path = context.Request.Path.Value;
            if (context.Request.Method == "PUT" && path == "/latest/api/token")
            {
                return context.Request.Headers["X-aws-ec2-metadata-token-ttl-seconds"] == "21600"
                    ? Answer(context, 200, "imds-session-token", "text/plain")
                    : Answer(context, 400, "", "text/plain");
            }

            if (context.Request.Headers["X-aws-ec2-metadata-token"] != "imds-session-token")
            {
                return Answer(context, 401, "", "text/plain");
            }

            return path switch
            {
                "/latest/meta-data/iam/security-credentials/" => Answer(context, 200, "build-role\n", "text/plain"),
                "/latest/meta-data/iam/security-credentials/build-role" => Answer(context, 200, JsonCredentials, "text/plain"),
                _ => Answer(context, 404, "", "text/plain"),
            };
        });
        // Named by the variable, as the AWS tools allow (the built-in address is link-local http).
        using var test = new CredentialTestContext().Unset("AWS_EC2_METADATA_DISABLED").Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.Url.ToString());

        var found = await new InstanceMetadataCredentialSource(test.Context()).TryGetAsync(TestContext.CancellationToken);

        Assert.AreEqual("ASIAJSONKEY", found?.AccessKeyId);
        Assert.AreEqual(new DateTimeOffset(2099, 5, 6, 7, 8, 9, TimeSpan.Zero), found?.Expiration);
        Assert.HasCount(3, imds.Requests);
    }

    [TestMethod]
    public async Task InstanceMetadataThatNobodyAnswersIsNotASource()
    {
        using var test = new CredentialTestContext().Unset("AWS_EC2_METADATA_DISABLED");
        // Port 9 (discard) on this machine: nothing listens, the connection is refused.
        Assert.IsNull(await new InstanceMetadataCredentialSource(test.Context(metadata: new Uri("http://127.0.0.1:9"))).TryGetAsync(TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task AnotherCloudsMetadataServiceRefusingTheTokenRequestIsNotASource()
    {
        // Azure's service at the same address (GitHub-hosted runners) answers EC2's token request with 400.
        await using var azure = await FakeEndpoint.StartAsync((context, _) => Answer(context, 400, "{\"error\":\"Bad request\"}", "application/json"));
        using var test = new CredentialTestContext().Unset("AWS_EC2_METADATA_DISABLED");
        Assert.IsNull(await new InstanceMetadataCredentialSource(test.Context(metadata: azure.Url)).TryGetAsync(TestContext.CancellationToken));
        Assert.HasCount(1, azure.Requests);
    }

    [TestMethod]
    public async Task InstanceMetadataCanBeTurnedOff()
    {
        await using var imds = await FakeEndpoint.StartAsync((context, _) => Answer(context, 200, "x", "text/plain"));
        using var test = new CredentialTestContext().Set("AWS_EC2_METADATA_DISABLED", "true");
        Assert.IsNull(await new InstanceMetadataCredentialSource(test.Context(metadata: imds.Url)).TryGetAsync(TestContext.CancellationToken));
        Assert.IsEmpty(imds.Requests);
    }

    internal static async Task Answer(HttpContext context, int status, string body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    }
}
