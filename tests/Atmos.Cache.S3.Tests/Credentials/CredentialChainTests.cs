using Atmos.Cache.Backends.S3.Credentials;
using Atmos.Cache.Errors;

namespace Atmos.Cache.S3.Tests.Credentials;

[TestClass]
public sealed class CredentialChainTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task EnvironmentVariablesWinOverTheProfile()
    {
        using var test = new CredentialTestContext().Set("AWS_ACCESS_KEY_ID", "AKIAENV").Set("AWS_SECRET_ACCESS_KEY", "env-secret");
        test.WriteFile(".aws/credentials", "[default]\naws_access_key_id=AKIAFILE\naws_secret_access_key=file-secret\n");
        var found = await AwsCredentialChain.Default(test.Context()).GetAsync(TestContext.CancellationToken);
        Assert.AreEqual("AKIAENV", found.AccessKeyId);
    }

    [TestMethod]
    public async Task TheDefaultProfileIsUsedWhenNothingElseIsSet()
    {
        using var test = new CredentialTestContext();
        test.WriteFile(".aws/credentials", "[default]\naws_access_key_id=AKIAFILE\naws_secret_access_key=file-secret\n");
        var found = await AwsCredentialChain.Default(test.Context()).GetAsync(TestContext.CancellationToken);
        Assert.AreEqual("AKIAFILE", found.AccessKeyId);
    }

    [TestMethod]
    public async Task NoSourceSaysWhichVariablesToSet()
    {
        using var test = new CredentialTestContext();
        var error = await Assert.ThrowsExactlyAsync<CacheUnavailableException>(() => AwsCredentialChain.Default(test.Context()).GetAsync(TestContext.CancellationToken));
        Assert.Contains("AWS_ACCESS_KEY_ID", error.Message);
        Assert.Contains("AWS_WEB_IDENTITY_TOKEN_FILE", error.Message);
    }

    [TestMethod]
    public async Task CredentialsAreKeptUntilTheyNearExpiry()
    {
        var lasting = new CountingSource(DateTimeOffset.UtcNow.AddHours(1));
        var chain = new AwsCredentialChain([lasting], Atmos.Cache.Diagnostics.NullCacheLogger.Instance);
        await chain.GetAsync(TestContext.CancellationToken);
        await chain.GetAsync(TestContext.CancellationToken);
        Assert.AreEqual(1, lasting.Calls);

        var expiring = new CountingSource(DateTimeOffset.UtcNow.AddMinutes(2));
        chain = new AwsCredentialChain([expiring], Atmos.Cache.Diagnostics.NullCacheLogger.Instance);
        await chain.GetAsync(TestContext.CancellationToken);
        await chain.GetAsync(TestContext.CancellationToken);
        Assert.AreEqual(2, expiring.Calls, "credentials within five minutes of expiry are fetched again");
    }

    private sealed class CountingSource(DateTimeOffset expiration) : IAwsCredentialSource
    {
        public int Calls { get; private set; }

        public string Name => "counting";

        public Task<AwsCredentials?> TryGetAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<AwsCredentials?>(new AwsCredentials("AKIA" + Calls, "secret", "token", expiration, Name));
        }
    }
}
